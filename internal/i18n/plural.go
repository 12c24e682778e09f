package i18n

// CLDR plural rules for integers (the operand n is already non-negative;
// for integers i = n and v = 0). Fractions only ever take "other", which
// is why Russian still carries an "other" form although N never picks it.

// pluralOneOther is English: one if i = 1 and v = 0.
func pluralOneOther(n int) string {
	if n == 1 {
		return "one"
	}
	return "other"
}

// pluralKazakh is Kazakh: one if n = 1.
func pluralKazakh(n int) string {
	if n == 1 {
		return "one"
	}
	return "other"
}

// pluralRussian is Russian:
//
//	one:  v = 0 and i % 10 = 1 and i % 100 != 11
//	few:  v = 0 and i % 10 = 2..4 and i % 100 != 12..14
//	many: v = 0 and (i % 10 = 0 or i % 10 = 5..9 or i % 100 = 11..14)
//	other: everything else (fractions)
func pluralRussian(n int) string {
	d, dd := n%10, n%100
	switch {
	case d == 1 && dd != 11:
		return "one"
	case d >= 2 && d <= 4 && (dd < 12 || dd > 14):
		return "few"
	default:
		return "many"
	}
}

// pluralPersian is Persian: one if i = 0 or n = 1.
func pluralPersian(n int) string {
	if n == 0 || n == 1 {
		return "one"
	}
	return "other"
}
