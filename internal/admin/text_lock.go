package admin

// The edit lock's heartbeat (storyLockBeat) and what the editor says when
// the story was taken over or opened by someone else while its page was
// open (editorText's lock* keys).

func init() {
	addText(map[string][2]string{
		"You are signed out. Sign in again in another tab; your text is kept in this browser.": {
			"Вы вышли из системы. Войдите снова в другой вкладке; ваш текст сохранён в этом браузере.",
			"Жүйеден шығып кеткенсіз. Басқа қойындыда қайта кіріңіз; мәтініңіз осы браузерде сақтаулы.",
		},
		"The newsroom could not check who has this story open. Try again.": {
			"Редакции не удалось проверить, у кого открыт этот материал. Попробуйте ещё раз.",
			"Редакция бұл материалды кім ашып отырғанын тексере алмады. Қайталап көріңіз.",
		},
		"{name} took over this story at {time}. Your text is kept here and in this browser; copy it before leaving.": {
			"{name} перехватил(а) этот материал в {time}. Ваш текст остаётся здесь и в этом браузере; скопируйте его, прежде чем уйти со страницы.",
			"{name} бұл материалды {time} кезінде өзіне алды. Мәтініңіз осында және осы браузерде тұр; беттен кетпес бұрын оны көшіріп алыңыз.",
		},
		"Someone else took over this story at {time}. Your text is kept here and in this browser; copy it before leaving.": {
			"Кто-то другой перехватил этот материал в {time}. Ваш текст остаётся здесь и в этом браузере; скопируйте его, прежде чем уйти со страницы.",
			"Бұл материалды {time} кезінде басқа біреу өзіне алды. Мәтініңіз осында және осы браузерде тұр; беттен кетпес бұрын оны көшіріп алыңыз.",
		},
		"{name} opened this story at {time}, while this page was idle. Your text is kept here and in this browser; copy it before leaving.": {
			"{name} открыл(а) этот материал в {time}, пока эта страница была неактивна. Ваш текст остаётся здесь и в этом браузере; скопируйте его, прежде чем уйти со страницы.",
			"Бұл бет әрекетсіз тұрғанда {name} материалды {time} кезінде ашты. Мәтініңіз осында және осы браузерде тұр; беттен кетпес бұрын оны көшіріп алыңыз.",
		},
		"Autosave stopped: the story is no longer open for you to edit.": {
			"Автосохранение остановлено: материал больше не открыт для вашей правки.",
			"Автосақтау тоқтатылды: материал енді сіздің өңдеуіңізге ашық емес.",
		},
	})
}
