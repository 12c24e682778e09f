package admin

// The story editor's own text (web/editor/src/main.js, its defaultStrings)
// reaches it as the data-i18n JSON of the editor's element: key → text in
// the page's language. editorText holds each key's English, which must be
// the same as main.js's (text_test.go compares them); the translations are
// registered by English text like every other admin text, here and (for
// embeds) in text_embeds.go.
var editorText = map[string]string{
	"toolbar":        "Formatting",
	"paragraph":      "Paragraph",
	"h2":             "Heading 2",
	"h3":             "Heading 3",
	"h4":             "Heading 4",
	"bold":           "Bold",
	"italic":         "Italic",
	"link":           "Link",
	"notranslit":     "Keep script",
	"notranslitHint": "Words that keep their script in the Latin view",
	"bulletList":     "Bulleted list",
	"orderedList":    "Numbered list",
	"quote":          "Quote",
	"cite":           "Quote source",
	"image":          "Image",
	"embed":          "Embed",
	"undo":           "Undo",
	"redo":           "Redo",
	"linkAddress":    "Link address (https://…, mailto:… or /path)",
	"apply":          "Apply",
	"removeLink":     "Remove link",
	"cancel":         "Cancel",
	"insert":         "Insert",
	"chooseImage":    "Which image",
	"altText":        "Alt text (describe the image)",
	"credit":         "Credit",
	"embedAddress":   "Address of the post or video (https://…)",
	"embedTitle":     "Title",
	"citeLabel":      "Who said it",
	"badLink":        "That address cannot be linked: use https://…, mailto:… or a path starting with /.",
	"badEmbed":       "That is not an https:// address.",
	"needAlt":        "Describe the image for readers who cannot see it.",
	"needQuote":      "Put the cursor in a quote first.",
	"selectText":     "Select the words to link first.",
	"imageLabel":     "Image",
	"saving":         "Saving…",
	"saved":          "Saved at {time}",
	"unsaved":        "Unsaved changes",
	"failed":         "Not saved: {error}",
	"offline":        "no connection",
	"retry":          "Retry saving",
	"conflict":       "Someone else saved this story meanwhile. Your text is kept here and in this browser; copy it before reloading.",
	"restoreFound":   "This browser kept unsaved text from {time}.",
	"restore":        "Restore it",
	"discard":        "Discard it",
	"loadFailed":     "The stored text could not be opened in the editor; nothing was changed.",
	// Inserting an embed (translated in text_embeds.go).
	"embedFetching": "Fetching the title and picture…",
	"embedInserted": "Embed inserted with its title and picture.",
	"embedOff":      "Previews are off in this newsroom: the embed was inserted with its address only.",
	"embedRefused":  "That address is in a private network, which the newsroom does not fetch from: the embed was inserted with its address only.",
	"embedFailed":   "The page could not be fetched: the embed was inserted with its address only.",
	"embedNotHTML":  "The address is not a web page: the embed was inserted without a title or picture.",
	"embedNoImage":  "The page has no picture: the embed was inserted without a thumbnail.",
	"embedBadImage": "The page's picture could not be used: the embed was inserted without a thumbnail.",
	"embedError":    "No preview could be had ({error}): the embed was inserted with its address only.",
	// The edit lock's heartbeat (translated in text_lock.go).
	"lockTaken":   "{name} took over this story at {time}. Your text is kept here and in this browser; copy it before leaving.",
	"lockSomeone": "Someone else took over this story at {time}. Your text is kept here and in this browser; copy it before leaving.",
	"lockOpened":  "{name} opened this story at {time}, while this page was idle. Your text is kept here and in this browser; copy it before leaving.",
	"lockStopped": "Autosave stopped: the story is no longer open for you to edit.",
}

// EditorText is the story editor's data-i18n JSON in the page's language:
// each key whose text is translated ({} in English, which main.js has).
func (p *page) EditorText() string {
	m := map[string]string{}
	if l := p.lang(); l != "en" {
		textMu.RLock()
		keys := make(map[string]string, len(editorText))
		for k, en := range editorText {
			keys[k] = en
		}
		textMu.RUnlock()
		for k, en := range keys {
			if t := tr(l, en); t != en {
				m[k] = t
			}
		}
	}
	return jsonString(m)
}

func init() {
	addText(map[string][2]string{
		"Formatting":  {"Форматирование", "Пішімдеу"},
		"Paragraph":   {"Абзац", "Азатжол"},
		"Heading 2":   {"Заголовок 2", "Тақырып 2"},
		"Heading 3":   {"Заголовок 3", "Тақырып 3"},
		"Heading 4":   {"Заголовок 4", "Тақырып 4"},
		"Bold":        {"Жирный", "Жуан"},
		"Italic":      {"Курсив", "Көлбеу"},
		"Link":        {"Ссылка", "Сілтеме"},
		"Keep script": {"Не транслитерировать", "Әліпбиін сақтау"},
		"Words that keep their script in the Latin view": {"Слова, которые сохраняют свою письменность в латинской версии", "Латын нұсқасында өз әліпбиін сақтайтын сөздер"},
		"Bulleted list": {"Маркированный список", "Таңбалауышты тізім"},
		"Numbered list": {"Нумерованный список", "Нөмірленген тізім"},
		"Quote":         {"Цитата", "Дәйексөз"},
		"Quote source":  {"Источник цитаты", "Дәйексөз иесі"},
		"Image":         {"Изображение", "Сурет"},
		"Embed":         {"Встроить", "Ендіру"},
		"Undo":          {"Отменить", "Болдырмау"},
		"Redo":          {"Повторить", "Қайталау"},
		"Link address (https://…, mailto:… or /path)": {"Адрес ссылки (https://…, mailto:… или /путь)", "Сілтеме мекенжайы (https://…, mailto:… немесе /жол)"},
		"Apply":                         {"Применить", "Қолдану"},
		"Remove link":                   {"Убрать ссылку", "Сілтемені алып тастау"},
		"Cancel":                        {"Отмена", "Бас тарту"},
		"Insert":                        {"Вставить", "Кірістіру"},
		"Which image":                   {"Какое изображение", "Қай сурет"},
		"Alt text (describe the image)": {"Альтернативный текст (опишите изображение)", "Балама мәтін (суретті сипаттаңыз)"},
		"Credit":                        {"Автор фото", "Фото авторы"},
		"Address of the post or video (https://…)": {"Адрес публикации или видео (https://…)", "Жазбаның не бейненің мекенжайы (https://…)"},
		"Title":       {"Заголовок", "Атауы"},
		"Who said it": {"Кто это сказал", "Кім айтты"},
		"That address cannot be linked: use https://…, mailto:… or a path starting with /.": {"На этот адрес нельзя сослаться: используйте https://…, mailto:… или путь, начинающийся с /.", "Бұл мекенжайға сілтеме жасауға болмайды: https://…, mailto:… немесе / белгісінен басталатын жолды қолданыңыз."},
		"That is not an https:// address.":                  {"Это не адрес https://.", "Бұл https:// мекенжайы емес."},
		"Describe the image for readers who cannot see it.": {"Опишите изображение для читателей, которые его не видят.", "Суретті көре алмайтын оқырмандар үшін сипаттап жазыңыз."},
		"Put the cursor in a quote first.":                  {"Сначала поставьте курсор в цитату.", "Алдымен курсорды дәйексөзге қойыңыз."},
		"Select the words to link first.":                   {"Сначала выделите слова для ссылки.", "Алдымен сілтеме болатын сөздерді белгілеңіз."},
		"Saving…":                                           {"Сохранение…", "Сақталуда…"},
		"Saved at {time}":                                   {"Сохранено в {time}", "{time} кезінде сақталды"},
		"Unsaved changes":                                   {"Несохранённые изменения", "Сақталмаған өзгерістер"},
		"Not saved: {error}":                                {"Не сохранено: {error}", "Сақталмады: {error}"},
		"no connection":                                     {"нет соединения", "байланыс жоқ"},
		"Retry saving":                                      {"Сохранить ещё раз", "Қайта сақтау"},
		"Someone else saved this story meanwhile. Your text is kept here and in this browser; copy it before reloading.": {"Тем временем материал сохранил кто-то другой. Ваш текст остаётся здесь и в этом браузере; скопируйте его, прежде чем перезагружать страницу.", "Осы аралықта бұл материалды басқа біреу сақтады. Сіздің мәтініңіз осында және осы браузерде тұр; бетті қайта жүктемес бұрын оны көшіріп алыңыз."},
		"This browser kept unsaved text from {time}.":                                                                    {"В этом браузере остался несохранённый текст от {time}.", "Бұл браузерде {time} уақытынан қалған сақталмаған мәтін бар."},
		"Restore it": {"Восстановить", "Қалпына келтіру"},
		"Discard it": {"Удалить", "Өшіру"},
		"The stored text could not be opened in the editor; nothing was changed.": {"Сохранённый текст не удалось открыть в редакторе; ничего не изменено.", "Сақталған мәтінді редакторда ашу мүмкін болмады; ештеңе өзгерген жоқ."},
	})
}
