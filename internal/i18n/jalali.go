package i18n

import "time"

// Gregorian <-> Solar Hijri (Jalali) conversion.
//
// This is Kazimierz M. Borkowski's algorithm ("The Persian calendar for
// 3000 years", Earth, Moon and Planets 74, 1996), as used by the jalaali
// libraries: the calendar follows the 33-year leap cycle between "break"
// years at which the cycle is re-synchronised with the astronomical
// vernal equinox at Tehran's meridian. It matches the official Iranian
// calendar for Jalali years -61 to 3177 (Gregorian 560 to 3798).

// jalaliBreaks are the Jalali years at which the leap cycle changes.
var jalaliBreaks = [...]int{
	-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
	1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
}

// jalaliYearOK reports whether jy is in the range the algorithm covers.
func jalaliYearOK(jy int) bool {
	return jy >= jalaliBreaks[0] && jy < jalaliBreaks[len(jalaliBreaks)-1]
}

// jalCal returns, for Jalali year jy, the Gregorian year gy in which it
// starts, the March day of 1 Farvardin in gy, and leap: the number of
// years since the last leap year (0 means jy itself is a leap year).
// jy must satisfy jalaliYearOK.
func jalCal(jy int) (gy, march, leap int) {
	gy = jy + 621
	leapJ := -14
	jp := jalaliBreaks[0]
	jump := 0
	for _, jm := range jalaliBreaks[1:] {
		jump = jm - jp
		if jy < jm {
			break
		}
		leapJ += jump/33*8 + jump%33/4
		jp = jm
	}
	n := jy - jp

	// Leap years from AD 621 to the start of jy, Persian and Gregorian.
	leapJ += n/33*8 + (n%33+3)/4
	if jump%33 == 4 && jump-n == 4 {
		leapJ++
	}
	leapG := gy/4 - (gy/100+1)*3/4 - 150

	march = 20 + leapJ - leapG

	if jump-n < 6 {
		n = n - jump + (jump+4)/33*33
	}
	leap = ((n+1)%33 - 1) % 4
	if leap == -1 {
		leap = 4
	}
	return gy, march, leap
}

// IsJalaliLeap reports whether Jalali year jy has 366 days (30 Esfand).
func IsJalaliLeap(jy int) bool {
	if !jalaliYearOK(jy) {
		return false
	}
	_, _, leap := jalCal(jy)
	return leap == 0
}

// JalaliMonthDays returns the number of days in month jm (1-12) of year jy.
func JalaliMonthDays(jy, jm int) int {
	switch {
	case jm >= 1 && jm <= 6:
		return 31
	case jm >= 7 && jm <= 11:
		return 30
	case jm == 12 && IsJalaliLeap(jy):
		return 30
	case jm == 12:
		return 29
	}
	return 0
}

// dayNumber counts days from 1970-01-01 in the proleptic Gregorian calendar.
func dayNumber(y, m, d int) int {
	u := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix()
	days := u / 86400
	if u%86400 != 0 && u < 0 { // floor, not truncate, before 1970
		days--
	}
	return int(days)
}

func fromDayNumber(n int) (y, m, d int) {
	yy, mm, dd := time.Unix(int64(n)*86400, 0).UTC().Date()
	return yy, int(mm), dd
}

// GregorianToJalali converts a Gregorian date to the Solar Hijri calendar.
// ok is false outside Jalali years -61 to 3177.
func GregorianToJalali(gy, gm, gd int) (jy, jm, jd int, ok bool) {
	day := dayNumber(gy, gm, gd)
	gy, _, _ = fromDayNumber(day) // normalise out-of-range month/day
	jy = gy - 621
	if !jalaliYearOK(jy) {
		return 0, 0, 0, false
	}
	_, march, leap := jalCal(jy)
	k := day - dayNumber(gy, 3, march) // days since 1 Farvardin of jy
	if k >= 0 {
		if k <= 185 { // Farvardin to Shahrivar: 31 days each
			return jy, 1 + k/31, k%31 + 1, true
		}
		k -= 186
	} else { // still in the previous Jalali year
		jy--
		if !jalaliYearOK(jy) {
			return 0, 0, 0, false
		}
		k += 179
		if leap == 1 { // the previous year was a leap year
			k++
		}
	}
	return jy, 7 + k/30, k%30 + 1, true
}

// JalaliToGregorian converts a Solar Hijri date to the Gregorian calendar.
// ok is false for years outside -61 to 3177 or an invalid month or day.
func JalaliToGregorian(jy, jm, jd int) (gy, gm, gd int, ok bool) {
	if !jalaliYearOK(jy) || jd < 1 || jd > JalaliMonthDays(jy, jm) {
		return 0, 0, 0, false
	}
	y, march, _ := jalCal(jy)
	day := dayNumber(y, 3, march) + (jm-1)*31 - jm/7*(jm-7) + jd - 1
	gy, gm, gd = fromDayNumber(day)
	return gy, gm, gd, true
}
