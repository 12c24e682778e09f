package i18n

import (
	"strconv"
	"time"
)

// kkCatalog is the Kazakh (Cyrillic) catalog. Kazakh nouns stay singular
// after a numeral, so both plural forms read the same.
var kkCatalog = &Catalog{
	lang:   "kk",
	dir:    "ltr",
	plural: pluralKazakh,
	forms:  []string{"one", "other"},
	date:   kkDate,
	msgs: map[string]string{
		"skip.content": "Негізгі мазмұнға өту",
		"skip.nav":     "Навигацияға өту",
		"skip.search":  "Іздеуге өту",
		"skip.label":   "Жылдам сілтемелер",

		"nav.label":    "Бөлімдер",
		"nav.home":     "Басты бет",
		"nav.services": "Басқа тілдер",
		"nav.menu":     "Мәзір",

		"breaking.label": "Шұғыл жаңалық",

		"byline.by":  "Авторы: %s",
		"byline.and": " және ",

		"time.published": "Жарияланды: %s",
		"time.updated":   "Жаңартылды: %s",

		"corrections.title": "Түзетулер",
		"corrections.item":  "Түзету енгізілді: %s",

		"translations.title": "Бұл материал басқа тілдерде",
		"translations.read":  "Мына тілде оқу: %s",

		"story.lead_photo": "Басты фото",
		"figure.credit":    "Фото: %s",
		"embed.open":       "%s арқылы ашу",
		"embed.link":       "Сыртқы сілтеме",
		"embed.load":       "%s мазмұнын жүктеу",

		"promo.title":  "Редакция туралы",
		"notice.title": "Оқырмандарға хабарландыру",

		"home.top":    "Басты жаңалықтар",
		"home.latest": "Соңғы жаңалықтар",
		"home.more":   "«%s» бөліміндегі басқа материалдар",

		"tag.title":    "Тақырып: %s",
		"author.title": "Автордың материалдары: %s",
		"author.bio":   "Автор туралы",

		"pagination.label": "Беттер бойынша навигация",
		"pagination.older": "Ертеректегі материалдар",
		"pagination.newer": "Жаңарақ материалдар",
		"pagination.first": "Соңғы материалдар",

		"search.label":       "Іздеу",
		"search.button":      "Іздеу",
		"search.placeholder": "Материалдарды іздеу",

		"footer.rights": "Барлық құқықтар қорғалған.",
		"footer.about":  "Біз туралы",

		"lite.link":         "Жеңіл нұсқа",
		"lite.full":         "Толық нұсқа",
		"lite.photo":        "Фото: %s (%d КБ)",
		"lite.photo_nosize": "Фото: %s",

		"error.400.title": "Сұраныс қате",
		"error.400.body":  "Мекенжайдың бір бөлігін оқи алмадық. Сілтемені тексеріп, қайталап көріңіз.",
		"error.404.title": "Бет табылмады",
		"error.404.body":  "Бұл бетті таба алмадық. Ол басқа жерге көшірілген болуы немесе мекенжай қате терілген болуы мүмкін.",
		"error.410.title": "Материал жойылды",
		"error.410.body":  "Бұл материал енді қолжетімді емес.",
		"error.421.title": "Мекенжай қате",
		"error.421.body":  "Бұл бет осы мекенжайда қолжетімді емес.",
		"error.500.title": "Қате орын алды",
		"error.500.body":  "Бұл бетті көрсете алмадық. Сәлден соң қайталап көріңіз.",
		"error.home":      "Басты бетке өту",

		"tags.label":      "Тақырыптар",
		"search.title":    "«%s» бойынша іздеу нәтижелері",
		"search.empty":    "Сұрауыңызға сәйкес материал табылмады.",
		"search.hint":     "Іздеу үшін сөз немесе есім жазыңыз.",
		"error.405.title": "Бұл әрекетке рұқсат жоқ",
		"error.503.title": "Сайт іске қосылып жатыр",
		"error.503.body":  "Сайт дайындалып жатыр. Бірнеше секундтан кейін қайталап көріңіз.",
		"mirrors.title":   "Бізді қайдан табуға болады",
		"mirrors.intro":   "Егер негізгі мекенжайымыз сіз тұрған жерде бұғатталса, мына мекенжайлар сол сайтты ашады. Бұл бетті сақтап қойыңыз: мекенжайлар бұғатталған сайын тізім жаңарады.",
		"mirrors.current": "Сіз бізді осы мекенжай арқылы оқып отырсыз.",
		"liveblog.title":  "Оқиға барысы",
		"liveblog.now":    "тікелей",
		"mirrors.onion":   "Тор желісіндегі мекенжай (Тор браузері арқылы ашыңыз)",
		"mirrors.lite":    "жеңіл нұсқа: баяу байланысқа арналған мәтін",
		"mirrors.data":    "Тізімді бағдарламалар үшін жүктеу",
		"mirrors.key":     "Сайттың көшірмелері біздің кілтімізбен қол қойылған. Кілттің саусақ ізі:",
		"lang.name":       "Қазақша",
		"script.label":    "Әліпби",
		"script.cyrl":     "Кирилше",
		"script.latn":     "Латынша",

		"newsletter.title":               "Күнделікті хат",
		"newsletter.intro":               "%s материалдарын күніне бір рет электрондық поштаңызға алыңыз.",
		"newsletter.email":               "Электрондық пошта мекенжайы",
		"newsletter.subscribe":           "Жазылу",
		"newsletter.honeypot":            "Бұл өрісті бос қалдырыңыз",
		"newsletter.privacy":             "Біз тек пошта мекенжайыңызды сақтаймыз, желілік мекенжайыңызды не браузеріңізді ешқашан сақтамаймыз. Әр хатта бір басумен жазылымнан бас тартуға арналған сілтеме бар.",
		"newsletter.invalid":             "Дұрыс электрондық пошта мекенжайын енгізіңіз.",
		"newsletter.sent.title":          "Поштаңызды тексеріңіз",
		"newsletter.sent.body":           "Бұл мекенжайға жазылуға болса, оған растау сілтемесі бар хат жіберілді. Сілтеме 48 сағат жарамды.",
		"newsletter.confirmed.title":     "Жазылым расталды",
		"newsletter.confirmed.body":      "Сіз %s күнделікті хатын алып тұрасыз.",
		"newsletter.badlink.title":       "Бұл сілтеме енді жарамсыз",
		"newsletter.badlink.body":        "Ол бұрын пайдаланылған немесе мерзімі өтіп кеткен.",
		"newsletter.unsub.title":         "Жазылымнан бас тарту",
		"newsletter.unsub.body":          "Осы мекенжайға %s күнделікті хатын жіберуді тоқтату керек пе?",
		"newsletter.unsub.button":        "Бас тарту",
		"newsletter.unsubbed.title":      "Жазылымыңыз тоқтатылды",
		"newsletter.unsubbed.body":       "Біз сізге енді хат жібермейміз және мекенжайыңызды өшірдік.",
		"newsletter.toomany.title":       "Сұраныстар тым көп",
		"newsletter.toomany.body":        "Кейінірек қайталап көріңіз.",
		"newsletter.back":                "Басты бетке оралу",
		"newsletter.confirm.subject":     "%s жазылымын растаңыз",
		"newsletter.confirm.intro":       "Біреу, бәлкім сіз, осы мекенжайға %s күнделікті хатын жіберуді сұрады. Растау үшін осы сілтемені 48 сағат ішінде ашыңыз:",
		"newsletter.confirm.button":      "Жазылымды растау",
		"newsletter.confirm.ignore":      "Егер бұл сіз болмасаңыз, хатқа мән бермеңіз: растаусыз мекенжай 48 сағаттан кейін өшіріледі.",
		"newsletter.edition.subject":     "%s: %s материалдары",
		"newsletter.edition.mirrors":     "Егер сайтымыз бұғатталса, ол мына мекенжайлар арқылы да ашылады:",
		"newsletter.edition.fingerprint": "Қолтаңба кілтіміздің саусақ ізі:",
		"newsletter.edition.why":         "Сіз бұл хатты сайтымызда жазылғандықтан алдыңыз.",
		"newsletter.edition.unsubscribe": "Бір басумен бас тарту",

		"comments.title":         "Пікірлер",
		"comments.open":          "Пікірлерді оқу және жазу",
		"comments.none":          "Әзірге пікір жоқ.",
		"comments.back":          "Материалға оралу",
		"comments.page":          "Пікірлер: %s",
		"comments.form":          "Пікір жазу",
		"comments.replyto":       "%s үшін жауап",
		"comments.name":          "Есіміңіз (пікірмен бірге көрсетіледі)",
		"comments.email":         "Пошта мекенжайы (міндетті емес, көрсетілмейді)",
		"comments.text":          "Пікіріңіз",
		"comments.honeypot":      "Бұл өрісті бос қалдырыңыз",
		"comments.submit":        "Жіберу",
		"comments.rules":         "Тек мәтін; ең көбі %d сілтеме. Біз желілік мекенжайыңызды да, браузеріңізді де сақтамаймыз.",
		"comments.premod":        "Пікірлер модератор мақұлдағаннан кейін шығады.",
		"comments.reply":         "Жауап беру",
		"comments.replies":       "Жауаптар",
		"comments.report":        "Шағымдану",
		"comments.reported":      "Рахмет: модератор қарайды.",
		"comments.pending":       "Рахмет: пікіріңіз модератор мақұлдағаннан кейін шығады.",
		"comments.held":          "Рахмет: пікірде сілтеме көп, сондықтан алдымен модератор қарайды.",
		"comments.shown":         "Рахмет: пікіріңіз жарияланды.",
		"comments.invalid.name":  "Ең көбі %d таңбадан тұратын есім жазыңыз.",
		"comments.invalid.text":  "Пікір %d-ден %d таңбаға дейін болады.",
		"comments.invalid.email": "Дұрыс пошта мекенжайын жазыңыз немесе бос қалдырыңыз.",
		"comments.invalid":       "Форманы тексеріп, қайта көріңіз.",
		"comments.links":         "Сілтеме тым көп: ең көбі %d.",
		"comments.duplicate":     "Бұл пікір бұрын жіберілген.",
		"comments.closed":        "Бұл материалға пікір қалдыру жабық.",
		"comments.banned":        "Сіз мұнда пікір қалдыра алмайсыз.",
		"comments.toomany":       "Пікір тым көп: біраз күтіп, қайта көріңіз.",
		"comments.cancel":        "Болдырмау",
		"comments.error":         "Бірдеңе дұрыс болмады; қайта көріңіз.",
		"comments.removed":       "Бұл пікір енді көрсетілмейді.",
	},
	plurals: map[string]map[string]string{
		"list.count": {
			"one":   "%d материал",
			"other": "%d материал",
		},
		"minutes.ago": {
			"one":   "%d минут бұрын",
			"other": "%d минут бұрын",
		},
		"hours.ago": {
			"one":   "%d сағат бұрын",
			"other": "%d сағат бұрын",
		},
		"photos.count": {
			"one":   "%d фото",
			"other": "%d фото",
		},
	},
}

// kkMonths are the Kazakh month names.
var kkMonths = [12]string{
	"қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
	"шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
}

// kkDate puts the year first: "2026 жылғы 27 қараша" and
// "2026 жылғы 27 қараша, 14:05".
func kkDate(_ *Catalog, t time.Time, withTime bool) string {
	s := strconv.Itoa(t.Year()) + " жылғы " + strconv.Itoa(t.Day()) + " " + kkMonths[t.Month()-1]
	if withTime {
		s += ", " + clock(t)
	}
	return s
}
