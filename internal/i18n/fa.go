package i18n

import (
	"strconv"
	"time"
)

// faCatalog is the Persian catalog: right-to-left, Persian digits and
// Solar Hijri dates. Persian nouns stay singular after a numeral, so both
// plural forms read the same. Persian letters only: ی (U+06CC) and
// ک (U+06A9), never the Arabic ي and ك.
var faCatalog = &Catalog{
	lang:   "fa",
	dir:    "rtl",
	digits: &[10]rune{'۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹'},
	plural: pluralPersian,
	forms:  []string{"one", "other"},
	date:   faDate,
	msgs: map[string]string{
		"skip.content": "پرش به محتوای اصلی",
		"skip.nav":     "پرش به ناوبری",
		"skip.search":  "پرش به جستجو",
		"skip.label":   "پیوندهای میان‌بر",

		"nav.label":    "بخش‌ها",
		"nav.home":     "صفحهٔ اصلی",
		"nav.services": "زبان‌های دیگر",
		"nav.menu":     "منو",

		"breaking.label": "خبر فوری",

		"byline.by":  "نوشتهٔ %s",
		"byline.and": " و ",

		"time.published": "انتشار: %s",
		"time.updated":   "به‌روزرسانی: %s",

		"corrections.title": "اصلاحیه‌ها",
		"corrections.item":  "اصلاحیهٔ %s",

		"translations.title": "این مطلب به زبان‌های دیگر",
		"translations.read":  "خواندن به زبان %s",

		"story.lead_photo": "عکس اصلی",
		"figure.credit":    "عکس: %s",
		"embed.open":       "مشاهده در %s",
		"embed.link":       "پیوند بیرونی",
		"embed.load":       "بارگذاری محتوا از %s",

		"promo.title":  "دربارهٔ این رسانه",
		"notice.title": "اطلاعیه برای خوانندگان",

		"home.top":    "مهم‌ترین خبرها",
		"home.latest": "تازه‌ترین خبرها",
		"home.more":   "مطالب بیشتر در بخش %s",

		"tag.title":    "موضوع: %s",
		"author.title": "مطالب %s",
		"author.bio":   "دربارهٔ نویسنده",

		"pagination.label": "صفحه‌بندی",
		"pagination.older": "مطالب قدیمی‌تر",
		"pagination.newer": "مطالب جدیدتر",
		"pagination.first": "تازه‌ترین مطالب",

		"search.label":       "جستجو",
		"search.button":      "جستجو",
		"search.placeholder": "جستجو در مطالب",

		"footer.rights": "تمامی حقوق محفوظ است.",
		"footer.about":  "دربارهٔ ما",

		"lite.link":         "نسخهٔ سبک",
		"lite.full":         "نسخهٔ کامل",
		"lite.photo":        "عکس: %s (%d کیلوبایت)",
		"lite.photo_nosize": "عکس: %s",

		"error.400.title": "درخواست نامعتبر",
		"error.400.body":  "بخشی از این نشانی را نتوانستیم بخوانیم. پیوند را بررسی کنید و دوباره تلاش کنید.",
		"error.404.title": "صفحه پیدا نشد",
		"error.404.body":  "این صفحه را پیدا نکردیم. ممکن است جابه‌جا شده باشد یا نشانی اشتباه نوشته شده باشد.",
		"error.410.title": "مطلب حذف شده است",
		"error.410.body":  "این مطلب دیگر در دسترس نیست.",
		"error.421.title": "نشانی نادرست",
		"error.421.body":  "این صفحه در این نشانی در دسترس نیست.",
		"error.500.title": "مشکلی پیش آمد",
		"error.500.body":  "نمایش این صفحه ممکن نشد. لطفاً چند لحظهٔ دیگر دوباره تلاش کنید.",
		"error.home":      "رفتن به صفحهٔ اصلی",

		"tags.label":      "موضوع‌ها",
		"search.title":    "نتایج جست‌وجو برای «%s»",
		"search.empty":    "مطلبی با جست‌وجوی شما پیدا نشد.",
		"search.hint":     "برای جست‌وجو یک واژه یا نام بنویسید.",
		"error.405.title": "این روش مجاز نیست",
		"error.503.title": "سایت در حال راه‌اندازی است",
		"error.503.body":  "سایت در حال آماده شدن است. لطفاً چند ثانیهٔ دیگر دوباره امتحان کنید.",
		"mirrors.title":   "ما را کجا پیدا کنید",
		"mirrors.intro":   "اگر نشانی اصلی ما در جایی که هستید مسدود است، این نشانی‌ها همان سایت را باز می‌کنند. این صفحه را نگه دارید: فهرست با مسدود شدن نشانی‌ها تغییر می‌کند.",
		"mirrors.current": "شما ما را از این نشانی می‌خوانید.",
		"liveblog.title":  "گزارش لحظه‌به‌لحظه",
		"liveblog.now":    "زنده",
		"mirrors.onion":   "نشانی در شبکهٔ تور (با مرورگر تور باز کنید)",
		"mirrors.lite":    "نسخهٔ سبک: متن برای اتصال کند",
		"mirrors.data":    "فهرست برای برنامه‌ها",
		"mirrors.key":     "نسخه‌های این سایت با کلید ما امضا شده‌اند. اثر انگشت کلید:",
		"lang.name":       "فارسی",
		"script.label":    "الفبا",
		"script.cyrl":     "سیریلیک",
		"script.latn":     "لاتین",

		"newsletter.title":               "خبرنامهٔ روزانه",
		"newsletter.intro":               "مطالب هر روز %s را روزی یک بار با ایمیل دریافت کنید.",
		"newsletter.email":               "نشانی ایمیل",
		"newsletter.subscribe":           "عضویت",
		"newsletter.honeypot":            "این فیلد را خالی بگذارید",
		"newsletter.privacy":             "ما فقط نشانی ایمیل شما را نگه می‌داریم و هرگز نشانی شبکه یا مرورگر شما را ذخیره نمی‌کنیم. در هر خبرنامه پیوندی برای لغو عضویت با یک کلیک هست.",
		"newsletter.invalid":             "لطفاً یک نشانی ایمیل درست وارد کنید.",
		"newsletter.sent.title":          "صندوق ایمیل خود را ببینید",
		"newsletter.sent.body":           "اگر این نشانی قابل عضویت باشد، پیامی با پیوند تأیید برای آن فرستاده می‌شود. این پیوند ۴۸ ساعت معتبر است.",
		"newsletter.confirmed.title":     "عضویت تأیید شد",
		"newsletter.confirmed.body":      "از این پس خبرنامهٔ روزانهٔ %s را دریافت می‌کنید.",
		"newsletter.badlink.title":       "این پیوند دیگر کار نمی‌کند",
		"newsletter.badlink.body":        "پیش‌تر از آن استفاده شده یا منقضی شده است.",
		"newsletter.unsub.title":         "لغو عضویت",
		"newsletter.unsub.body":          "ارسال خبرنامهٔ روزانهٔ %s به این نشانی متوقف شود؟",
		"newsletter.unsub.button":        "توقف خبرنامه",
		"newsletter.unsubbed.title":      "عضویت شما لغو شد",
		"newsletter.unsubbed.body":       "دیگر خبرنامه‌ای برایتان نمی‌فرستیم و نشانی شما را پاک کرده‌ایم.",
		"newsletter.toomany.title":       "درخواست‌ها بیش از حد است",
		"newsletter.toomany.body":        "لطفاً کمی بعد دوباره امتحان کنید.",
		"newsletter.back":                "بازگشت به صفحهٔ اصلی",
		"newsletter.confirm.subject":     "عضویت خود در %s را تأیید کنید",
		"newsletter.confirm.intro":       "کسی، احتمالاً خود شما، خواسته است خبرنامهٔ روزانهٔ %s به این نشانی فرستاده شود. برای تأیید، این پیوند را ظرف ۴۸ ساعت باز کنید:",
		"newsletter.confirm.button":      "تأیید عضویت",
		"newsletter.confirm.ignore":      "اگر شما نبوده‌اید، این پیام را نادیده بگیرید: بدون تأیید، نشانی پس از ۴۸ ساعت پاک می‌شود.",
		"newsletter.edition.subject":     "%s: مطالب %s",
		"newsletter.edition.mirrors":     "اگر سایت ما مسدود است، این نشانی‌ها هم آن را باز می‌کنند:",
		"newsletter.edition.fingerprint": "اثر انگشت کلید امضای ما:",
		"newsletter.edition.why":         "این خبرنامه را دریافت می‌کنید چون در سایت ما عضو آن شده‌اید.",
		"newsletter.edition.unsubscribe": "لغو عضویت با یک کلیک",

		"comments.title":         "دیدگاه‌ها",
		"comments.open":          "خواندن و نوشتن دیدگاه",
		"comments.none":          "هنوز دیدگاهی نیست.",
		"comments.back":          "بازگشت به مطلب",
		"comments.page":          "دیدگاه‌ها: %s",
		"comments.form":          "نوشتن دیدگاه",
		"comments.replyto":       "پاسخ به %s",
		"comments.name":          "نام (کنار دیدگاه نشان داده می‌شود)",
		"comments.email":         "ایمیل (اختیاری، هرگز نشان داده نمی‌شود)",
		"comments.text":          "دیدگاه شما",
		"comments.honeypot":      "این فیلد را خالی بگذارید",
		"comments.submit":        "فرستادن",
		"comments.rules":         "فقط متن؛ حداکثر %d پیوند. ما نشانی شبکه و مرورگر شما را نگه نمی‌داریم.",
		"comments.premod":        "دیدگاه‌ها پس از تأیید ویراستار نمایش داده می‌شوند.",
		"comments.reply":         "پاسخ",
		"comments.replies":       "پاسخ‌ها",
		"comments.report":        "گزارش",
		"comments.reported":      "سپاس: ویراستار آن را بررسی می‌کند.",
		"comments.pending":       "سپاس: دیدگاه شما پس از تأیید ویراستار نمایش داده می‌شود.",
		"comments.held":          "سپاس: دیدگاه شما پیوندهای زیادی دارد، پس نخست ویراستار آن را بررسی می‌کند.",
		"comments.shown":         "سپاس: دیدگاه شما منتشر شد.",
		"comments.invalid.name":  "لطفاً نامی با حداکثر %d نویسه بنویسید.",
		"comments.invalid.text":  "دیدگاه باید %d تا %d نویسه باشد.",
		"comments.invalid.email": "لطفاً نشانی ایمیل درست بنویسید یا آن را خالی بگذارید.",
		"comments.invalid":       "لطفاً فرم را بررسی و دوباره تلاش کنید.",
		"comments.links":         "پیوند بیش از اندازه: حداکثر %d.",
		"comments.duplicate":     "این دیدگاه پیش‌تر فرستاده شده است.",
		"comments.closed":        "دیدگاه برای این مطلب بسته است.",
		"comments.banned":        "شما نمی‌توانید اینجا دیدگاه بنویسید.",
		"comments.toomany":       "دیدگاه‌های بسیار: کمی صبر کنید و دوباره تلاش کنید.",
		"comments.cancel":        "لغو",
		"comments.error":         "مشکلی پیش آمد؛ دوباره تلاش کنید.",
		"comments.removed":       "این دیدگاه دیگر نمایش داده نمی‌شود.",
	},
	plurals: map[string]map[string]string{
		"list.count": {
			"one":   "%d مطلب",
			"other": "%d مطلب",
		},
		"minutes.ago": {
			"one":   "%d دقیقه پیش",
			"other": "%d دقیقه پیش",
		},
		"hours.ago": {
			"one":   "%d ساعت پیش",
			"other": "%d ساعت پیش",
		},
		"photos.count": {
			"one":   "%d عکس",
			"other": "%d عکس",
		},
	},
}

// faMonths are the Solar Hijri month names, Farvardin to Esfand.
var faMonths = [12]string{
	"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
	"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
}

// faGregorianMonths name Gregorian months, used only for dates outside
// the range the Jalali conversion covers (such as a zero time.Time).
var faGregorianMonths = [12]string{
	"ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
	"ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
}

// faDate: "۶ آذر ۱۴۰۵" and "۶ آذر ۱۴۰۵، ساعت ۱۴:۰۵".
func faDate(c *Catalog, t time.Time, withTime bool) string {
	var s string
	if jy, jm, jd, ok := GregorianToJalali(t.Year(), int(t.Month()), t.Day()); ok {
		s = strconv.Itoa(jd) + " " + faMonths[jm-1] + " " + strconv.Itoa(jy)
	} else {
		s = strconv.Itoa(t.Day()) + " " + faGregorianMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	if withTime {
		s += "، ساعت " + clock(t)
	}
	return c.Digits(s)
}
