package i18n

import (
	"testing"
	"time"
)

func TestGregorianToJalaliKnownPairs(t *testing.T) {
	tests := []struct {
		gy, gm, gd int
		jy, jm, jd int
		note       string
	}{
		{2026, 3, 21, 1405, 1, 1, "Nowruz 1405"},
		{2026, 3, 20, 1404, 12, 29, "last day of 1404 (common year)"},
		{2025, 3, 21, 1404, 1, 1, "Nowruz 1404"},
		{2025, 3, 20, 1403, 12, 30, "30 Esfand 1403 (leap year)"},
		{2024, 3, 20, 1403, 1, 1, "Nowruz 1403"},
		{2024, 3, 19, 1402, 12, 29, "last day of 1402"},
		{2023, 3, 21, 1402, 1, 1, "Nowruz 1402"},
		{2021, 3, 20, 1399, 12, 30, "30 Esfand 1399 (leap year)"},
		{2026, 11, 27, 1405, 9, 6, "6 Azar 1405"},
		{2026, 9, 22, 1405, 6, 31, "31 Shahrivar"},
		{2026, 9, 23, 1405, 7, 1, "1 Mehr"},
		{2000, 1, 1, 1378, 10, 11, ""},
		{1979, 2, 11, 1357, 11, 22, "22 Bahman 1357"},
		{1981, 8, 17, 1360, 5, 26, ""},
		{2013, 1, 10, 1391, 10, 21, ""},
		{2014, 8, 4, 1393, 5, 13, ""},
	}
	for _, tt := range tests {
		jy, jm, jd, ok := GregorianToJalali(tt.gy, tt.gm, tt.gd)
		if !ok || jy != tt.jy || jm != tt.jm || jd != tt.jd {
			t.Errorf("GregorianToJalali(%d-%02d-%02d) = %d/%d/%d %v, want %d/%d/%d (%s)",
				tt.gy, tt.gm, tt.gd, jy, jm, jd, ok, tt.jy, tt.jm, tt.jd, tt.note)
		}
		gy, gm, gd, ok := JalaliToGregorian(tt.jy, tt.jm, tt.jd)
		if !ok || gy != tt.gy || gm != tt.gm || gd != tt.gd {
			t.Errorf("JalaliToGregorian(%d/%d/%d) = %d-%02d-%02d %v, want %d-%02d-%02d",
				tt.jy, tt.jm, tt.jd, gy, gm, gd, ok, tt.gy, tt.gm, tt.gd)
		}
	}
}

func TestJalaliLeapYears(t *testing.T) {
	leap := map[int]bool{1391: true, 1395: true, 1399: true, 1403: true, 1408: true, 1412: true}
	for jy := 1390; jy <= 1412; jy++ {
		if got := IsJalaliLeap(jy); got != leap[jy] {
			t.Errorf("IsJalaliLeap(%d) = %v, want %v", jy, got, leap[jy])
		}
	}
	if _, _, _, ok := JalaliToGregorian(1404, 12, 30); ok {
		t.Error("30 Esfand 1404 accepted, but 1404 is not a leap year")
	}
	if _, _, _, ok := JalaliToGregorian(1405, 13, 1); ok {
		t.Error("month 13 accepted")
	}
}

// TestJalaliRoundTrip walks every day from 1990 to 2040: each Gregorian day
// must map to the Jalali day after the previous one (month lengths 31 x 6,
// 30 x 5, then 29 or 30 by leap year) and convert back to itself.
func TestJalaliRoundTrip(t *testing.T) {
	start := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2041, 1, 1, 0, 0, 0, 0, time.UTC)
	py, pm, pd, _ := GregorianToJalali(1989, 12, 31)
	days := 0
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		days++
		gy, gm, gd := d.Year(), int(d.Month()), d.Day()
		jy, jm, jd, ok := GregorianToJalali(gy, gm, gd)
		if !ok {
			t.Fatalf("%s: not converted", d.Format(time.DateOnly))
		}
		// Expected successor of the previous Jalali day.
		ey, em, ed := py, pm, pd+1
		if ed > JalaliMonthDays(py, pm) {
			ed, em = 1, pm+1
			if em > 12 {
				em, ey = 1, py+1
			}
		}
		if jy != ey || jm != em || jd != ed {
			t.Fatalf("%s = %d/%d/%d, want %d/%d/%d (day after %d/%d/%d)",
				d.Format(time.DateOnly), jy, jm, jd, ey, em, ed, py, pm, pd)
		}
		by, bm, bd, ok := JalaliToGregorian(jy, jm, jd)
		if !ok || by != gy || bm != gm || bd != gd {
			t.Fatalf("round trip %s -> %d/%d/%d -> %d-%02d-%02d %v",
				d.Format(time.DateOnly), jy, jm, jd, by, bm, bd, ok)
		}
		py, pm, pd = jy, jm, jd
	}
	if days < 18000 {
		t.Fatalf("walked only %d days", days)
	}
}

// jdfGregorianToJalali is the independent 33-year arithmetic algorithm
// (jdf.scr.ir); it agrees with the astronomical calendar in modern times.
func jdfGregorianToJalali(gy, gm, gd int) (int, int, int) {
	gdm := [12]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}
	gy2 := gy + 1
	if gm <= 2 {
		gy2 = gy
	}
	days := 355666 + 365*gy + (gy2+3)/4 - (gy2+99)/100 + (gy2+399)/400 + gd + gdm[gm-1]
	jy := -1595 + 33*(days/12053)
	days %= 12053
	jy += 4 * (days / 1461)
	days %= 1461
	if days > 365 {
		jy += (days - 1) / 365
		days = (days - 1) % 365
	}
	if days < 186 {
		return jy, 1 + days/31, 1 + days%31
	}
	return jy, 7 + (days-186)/30, 1 + (days-186)%30
}

func TestJalaliAgreesWithArithmeticAlgorithm(t *testing.T) {
	end := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 0, 1) {
		jy, jm, jd, _ := GregorianToJalali(d.Year(), int(d.Month()), d.Day())
		ay, am, ad := jdfGregorianToJalali(d.Year(), int(d.Month()), d.Day())
		if jy != ay || jm != am || jd != ad {
			t.Fatalf("%s: %d/%d/%d, arithmetic algorithm says %d/%d/%d",
				d.Format(time.DateOnly), jy, jm, jd, ay, am, ad)
		}
	}
}

func TestJalaliOutOfRange(t *testing.T) {
	if _, _, _, ok := GregorianToJalali(1, 1, 1); ok {
		t.Error("year 1 should be out of range")
	}
	if _, _, _, ok := GregorianToJalali(9999, 1, 1); ok {
		t.Error("year 9999 should be out of range")
	}
	// A zero time must still format, not panic.
	if got := For("fa").Date(time.Time{}, nil); got != "۱ ژانویه ۱" {
		t.Errorf("fa zero date = %q", got)
	}
}
