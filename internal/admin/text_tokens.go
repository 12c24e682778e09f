package admin

// Russian and Kazakh for the tokens page (tokens.go, admin-tokens.html).
// The JSON API's own messages (api.go) stay in English.
func init() {
	addText(map[string][2]string{
		"API tokens": {"API-токены", "API токендері"},
		"The token was revoked: it no longer works.": {
			"Токен отозван и больше не действует.",
			"Токен кері қайтарылды: ол енді жұмыс істемейді."},
		"Your new token": {"Ваш новый токен", "Жаңа токеніңіз"},
		"Copy it now and keep it in a password manager or the integration's secret settings. It is shown only this once: qalam keeps only a fingerprint of it.": {
			"Скопируйте его сейчас и храните в менеджере паролей или в секретных настройках интеграции. Он показан только этот раз: qalam хранит лишь его отпечаток.",
			"Оны қазір көшіріп, құпиясөз менеджерінде немесе интеграцияның құпия баптауларында сақтаңыз. Ол тек осы жолы көрсетіледі: qalam оның тек ізін сақтайды."},
		"Token \"%s\"": {"Токен «%s»", "«%s» токені"},
		"Send it as a header: Authorization: Bearer followed by the token, to %s/admin/api/v1/.": {
			"Передавайте его в заголовке Authorization: Bearer и затем токен, по адресу %s/admin/api/v1/.",
			"Оны Authorization: Bearer тақырыбымен, артынан токенді жазып, %s/admin/api/v1/ мекенжайына жіберіңіз."},
		"API tokens let scripts and other systems work in the newsroom through its JSON API, without a browser. A token never does more than its scope, nor more than the person who made it may do at that moment: take a role away and their tokens lose it at once; disable a person and every token they made is revoked.": {
			"API-токены позволяют скриптам и другим системам работать в редакции через её JSON API, без браузера. Токен никогда не может больше, чем его область действия, и больше, чем в данный момент может создавший его человек: отнимите у человека роль — и его токены сразу её теряют; отключите человека — и все созданные им токены будут отозваны.",
			"API токендері скрипттер мен басқа жүйелерге редакцияда браузерсіз, JSON API арқылы жұмыс істеуге мүмкіндік береді. Токен ешқашан өз аясынан артық әрі оны жасаған адамның дәл сол сәттегі құқығынан артық ештеңе істей алмайды: адамнан рөлді алсаңыз, оның токендері де оны бірден жоғалтады; адамды өшірсеңіз, ол жасаған барлық токен кері қайтарылады."},
		"Your personal tokens": {"Ваши личные токены", "Жеке токендеріңіз"},
		"Token name":           {"Название токена", "Токен атауы"},
		"Token services":       {"Службы токена", "Токен қызметтері"},
		"Token's highest role": {"Высшая роль токена", "Токеннің ең жоғары рөлі"},
		"Token made":           {"Токен создан", "Токен жасалған уақыт"},
		"Token state":          {"Состояние токена", "Токен күйі"},
		"Token last used":      {"Последнее использование", "Соңғы рет қолданылған"},
		"Token action":         {"Действие с токеном", "Токенмен әрекет"},
		"You have no personal tokens.": {
			"У вас нет личных токенов.",
			"Сізде жеке токен жоқ."},
		"Make a personal token": {"Создать личный токен", "Жеке токен жасау"},
		"Token name (what it is for, e.g. \"laptop script\")": {
			"Название токена (для чего он, например «скрипт на ноутбуке»)",
			"Токен атауы (не үшін екені, мысалы «ноутбуктегі скрипт»)"},
		"Services the token works in":      {"Службы, в которых действует токен", "Токен жұмыс істейтін қызметтер"},
		"Highest role the token acts with": {"Высшая роль, с которой действует токен", "Токен әрекет ететін ең жоғары рөл"},
		"Days the token works (1 to %d)":   {"Сколько дней действует токен (от 1 до %d)", "Токеннің жұмыс істейтін күндері (1-ден %d-ге дейін)"},
		"Make the token":                   {"Создать токен", "Токенді жасау"},
		"(needs your second factor, confirmed within the last 15 minutes)": {
			"(нужен второй фактор, подтверждённый за последние 15 минут)",
			"(соңғы 15 минут ішінде расталған екінші факторыңыз керек)"},
		"Integration tokens": {"Токены интеграций", "Интеграция токендері"},
		"An integration token belongs to a system working for one service, such as a CMS import. Its service's chiefs and the admins see it and may revoke it.": {
			"Токен интеграции принадлежит системе, работающей на одну службу, например импорту из CMS. Его видят и могут отозвать руководители этой службы и администраторы.",
			"Интеграция токені бір қызмет үшін жұмыс істейтін жүйеге тиесілі, мысалы CMS-тен импорттау. Оны сол қызметтің басшылары мен әкімшілер көреді және кері қайтара алады."},
		"Integration name":           {"Название интеграции", "Интеграция атауы"},
		"No integration tokens yet.": {"Токенов интеграций пока нет.", "Интеграция токендері әзірге жоқ."},
		"Make an integration token":  {"Создать токен интеграции", "Интеграция токенін жасау"},
		"Integration's name (e.g. \"CMS import\")": {
			"Название интеграции (например «импорт из CMS»)",
			"Интеграция атауы (мысалы «CMS-тен импорт»)"},
		"Service it works for": {"Служба, на которую она работает", "Ол жұмыс істейтін қызмет"},
		"made by %s":           {"создал(а) %s", "жасаған: %s"},
		"revoked %s":           {"отозван %s", "кері қайтарылған: %s"},
		"expired %s":           {"истёк %s", "мерзімі біткен: %s"},
		"works until %s":       {"действует до %s", "%s дейін жұмыс істейді"},
		"never used":           {"ещё не использовался", "әлі қолданылмаған"},
		"Revoke token":         {"Отозвать токен", "Токенді кері қайтару"},
		"a token may work from 1 to %d days": {
			"токен может действовать от 1 до %d дней",
			"токен 1-ден %d күнге дейін жұмыс істей алады"},
		"give the token a name of 1 to %d characters": {
			"дайте токену название длиной от 1 до %d символов",
			"токенге 1-ден %d таңбаға дейінгі атау беріңіз"},
		"choose at least one service": {"выберите хотя бы одну службу", "кемінде бір қызметті таңдаңыз"},
		"you have no role in %s, so a token of yours cannot work there": {
			"у вас нет роли в %s, поэтому ваш токен не может там работать",
			"сізде %s қызметінде рөл жоқ, сондықтан токеніңіз онда жұмыс істей алмайды"},
		"you are %s in %s; a token of yours cannot do more than you": {
			"вы — %s в %s; ваш токен не может больше, чем вы",
			"сіз %s рөліндесіз (%s қызметі); токеніңіз сізден артық ештеңе істей алмайды"},
		"a token's highest role is chief: tokens never act as admins": {
			"высшая роль токена — руководитель: токены никогда не действуют как администраторы",
			"токеннің ең жоғары рөлі — басшы: токендер ешқашан әкімші ретінде әрекет етпейді"},
		"an integration token works in exactly one service": {
			"токен интеграции работает ровно в одной службе",
			"интеграция токені тек бір қызметте жұмыс істейді"},
		"this token was already revoked": {"этот токен уже отозван", "бұл токен бұрын кері қайтарылған"},
	})
}
