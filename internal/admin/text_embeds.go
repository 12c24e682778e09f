package admin

// Russian and Kazakh for embeds: the story editor's messages when an embed
// is inserted (web/editor/src/main.js, by their English text) and the
// answers of POST /admin/embeds (embeds.go).
func init() {
	addText(map[string][2]string{
		// The editor (main.js defaultStrings).
		"Fetching the title and picture…": {"Загружаем заголовок и картинку…", "Тақырып пен сурет жүктелуде…"},
		"Embed inserted with its title and picture.": {"Встраивание добавлено с заголовком и картинкой.",
			"Ендірме тақырыбымен және суретімен қосылды."},
		"Previews are off in this newsroom: the embed was inserted with its address only.": {
			"В этой редакции предпросмотр отключён: встраивание добавлено только с адресом.",
			"Бұл редакцияда алдын ала көрініс өшірулі: ендірме тек мекенжайымен қосылды."},
		"That address is in a private network, which the newsroom does not fetch from: the embed was inserted with its address only.": {
			"Этот адрес во внутренней сети, из которой редакция ничего не загружает: встраивание добавлено только с адресом.",
			"Бұл мекенжай ішкі желіде, редакция одан ештеңе жүктемейді: ендірме тек мекенжайымен қосылды."},
		"The page could not be fetched: the embed was inserted with its address only.": {
			"Страницу не удалось загрузить: встраивание добавлено только с адресом.",
			"Бетті жүктеу мүмкін болмады: ендірме тек мекенжайымен қосылды."},
		"The address is not a web page: the embed was inserted without a title or picture.": {
			"Адрес ведёт не на веб-страницу: встраивание добавлено без заголовка и картинки.",
			"Мекенжай веб-бет емес: ендірме тақырыпсыз және суретсіз қосылды."},
		"The page has no picture: the embed was inserted without a thumbnail.": {
			"На странице нет картинки: встраивание добавлено без миниатюры.",
			"Бетте сурет жоқ: ендірме шағын суретсіз қосылды."},
		"The page's picture could not be used: the embed was inserted without a thumbnail.": {
			"Картинку со страницы не удалось использовать: встраивание добавлено без миниатюры.",
			"Беттегі суретті пайдалану мүмкін болмады: ендірме шағын суретсіз қосылды."},
		"No preview could be had ({error}): the embed was inserted with its address only.": {
			"Предпросмотр получить не удалось ({error}): встраивание добавлено только с адресом.",
			"Алдын ала көрініс алынбады ({error}): ендірме тек мекенжайымен қосылды."},

		// POST /admin/embeds.
		"You are signed out. Sign in again in another tab, then insert the embed again.": {
			"Вы вышли из системы. Войдите снова в другой вкладке и вставьте встраивание ещё раз.",
			"Сіз жүйеден шықтыңыз. Басқа қойындыда қайта кіріп, ендірмені қайта қойыңыз."},
		"This page is out of date. Reload it and insert the embed again.": {
			"Эта страница устарела. Обновите её и вставьте встраивание ещё раз.",
			"Бұл бет ескірген. Оны жаңартып, ендірмені қайта қойыңыз."},
		"This newsroom does not fetch previews, so the embed has its address only.": {
			"Эта редакция не загружает предпросмотр, поэтому у встраивания только адрес.",
			"Бұл редакция алдын ала көріністі жүктемейді, сондықтан ендірмеде тек мекенжай бар."},
		"The address points into a private network, which qalam does not fetch from, so the embed has its address only.": {
			"Адрес ведёт во внутреннюю сеть, из которой qalam ничего не загружает, поэтому у встраивания только адрес.",
			"Мекенжай ішкі желіге апарады, qalam одан ештеңе жүктемейді, сондықтан ендірмеде тек мекенжай бар."},
		"The page could not be fetched, so the embed has its address only.": {
			"Страницу не удалось загрузить, поэтому у встраивания только адрес.",
			"Бетті жүктеу мүмкін болмады, сондықтан ендірмеде тек мекенжай бар."},
		"The address is not a web page, so the embed has no title or picture.": {
			"Адрес ведёт не на веб-страницу, поэтому у встраивания нет заголовка и картинки.",
			"Мекенжай веб-бет емес, сондықтан ендірмеде тақырып та, сурет те жоқ."},
		"The page has no picture to show, so the embed has no thumbnail.": {
			"На странице нет картинки, поэтому у встраивания нет миниатюры.",
			"Бетте көрсететін сурет жоқ, сондықтан ендірмеде шағын сурет жоқ."},
		"The page's picture could not be used, so the embed has no thumbnail.": {
			"Картинку со страницы не удалось использовать, поэтому у встраивания нет миниатюры.",
			"Беттегі суретті пайдалану мүмкін болмады, сондықтан ендірмеде шағын сурет жоқ."},
	})
}
