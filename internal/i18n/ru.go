package i18n

import (
	"strconv"
	"time"
)

// ruCatalog is the Russian catalog.
var ruCatalog = &Catalog{
	lang:   "ru",
	dir:    "ltr",
	plural: pluralRussian,
	forms:  []string{"one", "few", "many", "other"},
	date:   ruDate,
	msgs: map[string]string{
		"skip.content": "Перейти к основному содержанию",
		"skip.nav":     "Перейти к навигации",
		"skip.search":  "Перейти к поиску",
		"skip.label":   "Быстрый переход",

		"nav.label":    "Разделы",
		"nav.home":     "Главная",
		"nav.services": "Другие языки",
		"nav.menu":     "Меню",

		"breaking.label": "Срочные новости",

		"byline.by":  "Текст: %s",
		"byline.and": " и ",

		"time.published": "Опубликовано %s",
		"time.updated":   "Обновлено %s",

		"corrections.title": "Исправления",
		"corrections.item":  "Исправление от %s",

		"translations.title": "Этот материал на других языках",
		"translations.read":  "Читать на языке: %s",

		"story.lead_photo": "Главное фото",
		"figure.credit":    "Фото: %s",
		"embed.open":       "Открыть в %s",
		"embed.link":       "Внешняя ссылка",
		"embed.load":       "Загрузить содержимое с %s",

		"promo.title":  "О редакции",
		"notice.title": "К сведению читателей",

		"home.top":    "Главные новости",
		"home.latest": "Последние новости",
		"home.more":   "Ещё в разделе «%s»",

		"tag.title":    "Тема: %s",
		"author.title": "Материалы автора: %s",
		"author.bio":   "Об авторе",

		"pagination.label": "Навигация по страницам",
		"pagination.older": "Более ранние материалы",
		"pagination.newer": "Более новые материалы",
		"pagination.first": "Последние материалы",

		"search.label":       "Поиск",
		"search.button":      "Найти",
		"search.placeholder": "Поиск по материалам",

		"footer.rights": "Все права защищены.",
		"footer.about":  "О нас",

		"lite.link":         "Облегчённая версия",
		"lite.full":         "Полная версия",
		"lite.photo":        "Фото: %s (%d КБ)",
		"lite.photo_nosize": "Фото: %s",

		"error.400.title": "Неверный запрос",
		"error.400.body":  "Часть адреса нам не удалось прочитать. Проверьте ссылку и попробуйте ещё раз.",
		"error.404.title": "Страница не найдена",
		"error.404.body":  "Нам не удалось найти эту страницу. Возможно, она была перемещена или в адресе допущена опечатка.",
		"error.410.title": "Материал удалён",
		"error.410.body":  "Этот материал больше недоступен.",
		"error.421.title": "Неверный адрес",
		"error.421.body":  "По этому адресу страница недоступна.",
		"error.500.title": "Что-то пошло не так",
		"error.500.body":  "Нам не удалось показать эту страницу. Пожалуйста, попробуйте ещё раз чуть позже.",
		"error.home":      "Перейти на главную",

		"tags.label":      "Темы",
		"search.title":    "Результаты поиска по запросу «%s»",
		"search.empty":    "По вашему запросу ничего не найдено.",
		"search.hint":     "Введите слово или имя для поиска.",
		"error.405.title": "Метод не разрешён",
		"error.503.title": "Сайт запускается",
		"error.503.body":  "Сайт готовится к работе. Попробуйте ещё раз через несколько секунд.",
		"mirrors.title":   "Где нас найти",
		"mirrors.intro":   "Если наш основной адрес заблокирован там, где вы находитесь, эти адреса открывают тот же сайт. Сохраните эту страницу: список меняется, когда адреса блокируют.",
		"mirrors.current": "Вы читаете нас по этому адресу.",
		"liveblog.title":  "Хроника событий",
		"liveblog.now":    "в прямом эфире",
		"mirrors.onion":   "адрес в сети Тор (откройте в браузере Тор)",
		"mirrors.lite":    "лёгкая версия: текст для медленной связи",
		"mirrors.data":    "Список для программ",
		"mirrors.key":     "Копии сайта подписаны нашим ключом. Отпечаток ключа:",
		"lang.name":       "Русский",
		"script.label":    "Алфавит",
		"script.cyrl":     "Кириллица",
		"script.latn":     "Латиница",

		"newsletter.title":               "Ежедневная рассылка",
		"newsletter.intro":               "Получайте материалы %s за день по электронной почте раз в сутки.",
		"newsletter.email":               "Адрес электронной почты",
		"newsletter.subscribe":           "Подписаться",
		"newsletter.honeypot":            "Оставьте это поле пустым",
		"newsletter.privacy":             "Мы храним только ваш адрес почты и никогда — ваш сетевой адрес или данные браузера. В каждом письме есть ссылка, чтобы отписаться одним нажатием.",
		"newsletter.invalid":             "Введите правильный адрес электронной почты.",
		"newsletter.sent.title":          "Проверьте почту",
		"newsletter.sent.body":           "Если этот адрес можно подписать, на него уже идёт письмо со ссылкой для подтверждения. Ссылка действует 48 часов.",
		"newsletter.confirmed.title":     "Подписка подтверждена",
		"newsletter.confirmed.body":      "Вы будете получать ежедневную рассылку %s.",
		"newsletter.badlink.title":       "Эта ссылка больше не работает",
		"newsletter.badlink.body":        "Ею уже воспользовались, или срок её действия истёк.",
		"newsletter.unsub.title":         "Отписка",
		"newsletter.unsub.body":          "Прекратить ежедневную рассылку %s на этот адрес?",
		"newsletter.unsub.button":        "Отписаться",
		"newsletter.unsubbed.title":      "Вы отписаны",
		"newsletter.unsubbed.body":       "Мы больше не будем присылать вам рассылку и удалили ваш адрес.",
		"newsletter.toomany.title":       "Слишком много запросов",
		"newsletter.toomany.body":        "Попробуйте позже.",
		"newsletter.back":                "На главную страницу",
		"newsletter.confirm.subject":     "Подтвердите подписку на %s",
		"newsletter.confirm.intro":       "Кто-то, вероятно вы, попросил присылать ежедневную рассылку %s на этот адрес. Чтобы подтвердить, откройте эту ссылку в течение 48 часов:",
		"newsletter.confirm.button":      "Подтвердить подписку",
		"newsletter.confirm.ignore":      "Если это были не вы, просто не обращайте внимания на письмо: без подтверждения адрес будет удалён через 48 часов.",
		"newsletter.edition.subject":     "%s: материалы за %s",
		"newsletter.edition.mirrors":     "Если наш сайт заблокирован, он открывается и по этим адресам:",
		"newsletter.edition.fingerprint": "Отпечаток нашего ключа подписи:",
		"newsletter.edition.why":         "Вы получили это письмо, потому что подписались на рассылку на нашем сайте.",
		"newsletter.edition.unsubscribe": "Отписаться одним нажатием",

		"comments.title":         "Комментарии",
		"comments.open":          "Читать и писать комментарии",
		"comments.none":          "Комментариев пока нет.",
		"comments.back":          "Вернуться к материалу",
		"comments.page":          "Комментарии: %s",
		"comments.form":          "Написать комментарий",
		"comments.replyto":       "Ответ для %s",
		"comments.name":          "Имя (видно рядом с комментарием)",
		"comments.email":         "Адрес почты (по желанию, не показывается)",
		"comments.text":          "Ваш комментарий",
		"comments.honeypot":      "Оставьте это поле пустым",
		"comments.submit":        "Отправить",
		"comments.rules":         "Только текст; не больше %d ссылок. Мы не храним ваш сетевой адрес и данные браузера.",
		"comments.premod":        "Комментарии появляются после одобрения модератором.",
		"comments.reply":         "Ответить",
		"comments.replies":       "Ответы",
		"comments.report":        "Пожаловаться",
		"comments.reported":      "Спасибо: модератор посмотрит.",
		"comments.pending":       "Спасибо: комментарий появится после одобрения модератором.",
		"comments.held":          "Спасибо: в комментарии много ссылок, поэтому сначала его посмотрит модератор.",
		"comments.shown":         "Спасибо: комментарий опубликован.",
		"comments.invalid.name":  "Укажите имя длиной не больше %d символов.",
		"comments.invalid.text":  "В комментарии от %d до %d символов.",
		"comments.invalid.email": "Введите правильный адрес почты или оставьте поле пустым.",
		"comments.invalid":       "Проверьте форму и попробуйте ещё раз.",
		"comments.links":         "Слишком много ссылок: не больше %d.",
		"comments.duplicate":     "Этот комментарий уже отправлен.",
		"comments.closed":        "Комментарии к этому материалу закрыты.",
		"comments.banned":        "Вы не можете здесь комментировать.",
		"comments.toomany":       "Слишком много комментариев: подождите немного и попробуйте снова.",
		"comments.cancel":        "Отмена",
		"comments.error":         "Что-то пошло не так; попробуйте ещё раз.",
		"comments.removed":       "Этот комментарий больше не показывается.",
	},
	plurals: map[string]map[string]string{
		"list.count": {
			"one":   "%d материал",
			"few":   "%d материала",
			"many":  "%d материалов",
			"other": "%d материала",
		},
		"minutes.ago": {
			"one":   "%d минуту назад",
			"few":   "%d минуты назад",
			"many":  "%d минут назад",
			"other": "%d минуты назад",
		},
		"hours.ago": {
			"one":   "%d час назад",
			"few":   "%d часа назад",
			"many":  "%d часов назад",
			"other": "%d часа назад",
		},
		"photos.count": {
			"one":   "%d фотография",
			"few":   "%d фотографии",
			"many":  "%d фотографий",
			"other": "%d фотографии",
		},
	},
}

// ruMonths are the genitive month names used in a date ("27 ноября").
var ruMonths = [12]string{
	"января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря",
}

// ruDate: "27 ноября 2026" and "27 ноября 2026, 14:05".
func ruDate(_ *Catalog, t time.Time, withTime bool) string {
	s := strconv.Itoa(t.Day()) + " " + ruMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
	if withTime {
		s += ", " + clock(t)
	}
	return s
}
