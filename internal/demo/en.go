package demo

import "qalam/internal/news"

// English service story IDs.
const (
	enVerdict     = "enstoryaaaaa"
	enAral        = "enstoryaaaab"
	enReporter    = "enstoryaaaac"
	enSummit      = "enstoryaaaad"
	enKopir       = "enstoryaaaae"
	enSaiga       = "enstoryaaaaf"
	enMoved       = "enstoryaaaag"
	enRemittances = "enstoryaaaah"
	enBand        = "enstoryaaaai"
	enBlogger     = "enstoryaaaaj"
	enMirrors     = "enstoryaaaak"
	enFootball    = "enstoryaaaal"
	enWithdrawn   = UnpublishedStoryID
)

func enLead(caption string) leadData {
	return leadData{alt: "Abstract illustration: a sun over rolling hills", caption: caption, credit: "Qalam illustration"}
}

func english() serviceData {
	return serviceData{
		svc: news.Service{
			Code:     "en",
			Name:     "Qalam News",
			Lang:     "en",
			Dir:      "ltr",
			TimeZone: "Europe/Prague",
			Tagline:  "Independent reporting from Central Asia, Russia and Iran",
			Promo: in("Qalam News is the English service of Qalam, an independent newsroom covering countries where the press is not free. We also publish in ",
				link("Kazakh", "/kk/"), ", ", link("Russian", "/ru/"), " and ", link("Persian", "/fa/"),
				". If we are blocked where you are, find us through our ", link("mirror sites", "/en/mirrors"), "."),
			Position: 3,
		},
		sections: []sectionData{
			{key: "politics", name: "Politics", slug: "politics"},
			{key: "economy", name: "Economy", slug: "economy"},
			{key: "society", name: "Society", slug: "society"},
			{key: "environment", name: "Environment", slug: "environment"},
			{key: "culture", name: "Culture", slug: "culture"},
			{key: "technology", name: "Technology", slug: "technology"},
		},
		tags: []tagData{
			{key: "kazakhstan", name: "Kazakhstan"},
			{key: "russia", name: "Russia"},
			{key: "iran", name: "Iran"},
			{key: "kyrgyzstan", name: "Kyrgyzstan"},
			{key: "press", name: "Press freedom"},
			{key: "climate", name: "Climate"},
			{key: "courts", name: "Courts"},
		},
		authors: []authorData{
			{key: "ruth", name: "Ruth Amberley", bio: "Editor of Qalam's English service. Before joining Qalam she reported from the Caucasus and Central Asia for a decade."},
			{key: "tomas", name: "Tomas Velik", bio: "Covers the economy, energy and the environment from Prague."},
			{key: "pseud", name: "Dana Nomad", bio: "Dana Nomad is a pen name. The author, a reporter based in Central Asia, writes under it for safety."},
			{key: "corr", name: "Our correspondent in Almaty", slug: "correspondent-almaty", collective: true,
				bio: "The byline of reporters whose names we do not publish, for their safety."},
		},
		notices: []noticeData{
			{
				title:  "How to reach us securely",
				active: true,
				body: in("Send tips to ", link("tips@qalam.example", "mailto:tips@qalam.example"),
					". Never send passport scans or one-time codes: our staff will ", em("never"), " ask for them."),
			},
			{
				title: "Scheduled maintenance",
				body:  in("The site will be offline for up to an hour on Sunday night, Prague time."),
			},
		},
		curation: []string{enReporter, enAral, enKopir, enMirrors},
		stories:  englishStories(),
	}
}

func englishStories() []storyData {
	return []storyData{
		{
			id: enVerdict, section: "politics", group: "verdict",
			tags: []string{"kazakhstan", "courts"}, authors: []string{"corr", "ruth"},
			headline: in("Almaty court restricts freedom of five park protesters for two years"),
			deck:     in("The activists from the Zhasyl Aula movement opposed construction in a city park. Their lawyer says they will appeal."),
			dateline: "ALMATY, Kazakhstan",
			lead:     enLead("Supporters gathered outside the courthouse on the day of the verdict. Illustration."),
			ago:      ago(0, 3, 45),
			body: []news.Block{
				p("A district court in Almaty has sentenced five activists from the Zhasyl Aula (“Green Courtyard”) movement to two years of restricted freedom for ",
					em("organising an unauthorised gathering"), "."),
				p("The group protested last autumn against construction in the city’s Lower Park, where residents say about a hundred elms and poplars were felled without public hearings."),
				quote("We went out for the trees, and they tried us as criminals. The city knows the truth.", "Madi Serikbayev, Zhasyl Aula activist"),
				ul(
					in("two years of restricted freedom for each of the five;"),
					in("a curfew at night and a ban on leaving the city without permission;"),
					in("a three-year ", strong("ban on taking part in peaceful assemblies"), "."),
				),
				p("Defence lawyer Lazzat Abdrakhmanova said she would appeal within fifteen days. ", link("More from the courts", "/en/tag/courts"), "."),
			},
		},
		{
			id: enAral, section: "environment", group: "aral",
			tags: []string{"kazakhstan", "climate"}, authors: []string{"tomas"},
			headline: in("Salt storms on the Aral Sea send villagers to the doctor"),
			deck:     in("Scientists say salty dust from the dried seabed is travelling further than before."),
			dateline: "ARALSK, Kazakhstan",
			lead:     enLead("The dried bed of the Aral Sea. Illustration."),
			ago:      ago(1, 0, 0),
			body: []news.Block{
				p("A salt storm swept across the Aral district of Kazakhstan’s Kyzylorda region for two days last week. Residents of the villages of Akbasty and Zhalanash report eye infections and coughs."),
				p("Bakytgul Uteshova, a nurse at the local clinic, said visits ", strong("doubled"), " in the three days after the storm."),
				figure(1101, "Abstract illustration: blue waves under a yellow sun", "The dried seabed. Illustration.", "Qalam illustration"),
				h2("What scientists say"),
				quote("Without saxaul the steppe cannot hold the salt. Planting the seabed is the last defence we have.", "Yerbolat Kudaibergenov, ecologist"),
				p("The northern “Small Aral” has recovered since a dam was built in 2005, but the sea’s southern part keeps shrinking."),
			},
		},
		{
			id: enReporter, section: "politics", group: "reporter",
			tags: []string{"russia", "press", "courts"}, authors: []string{"ruth", "pseud"},
			headline: in("Moscow court jails journalist Vera Lanskaya over work for Qalam"),
			deck:     in("Prosecutors say contributing to Qalam amounts to taking part in an “undesirable organisation”. She denies wrongdoing."),
			dateline: "MOSCOW",
			lead:     enLead("A courthouse in central Moscow. Illustration."),
			ago:      ago(0, 6, 30),
			body: []news.Block{
				p("A Moscow court has ordered journalist Vera Lanskaya held in pre-trial detention for two months, accusing her of ",
					strong("participating in an undesirable organisation"), " by publishing with Qalam."),
				p("Lanskaya was detained outside her apartment building the evening before the hearing. Investigators seized her laptop, phone and voice recorder."),
				quote("I am a journalist and I did journalism. I have not written a single line I am ashamed of.", "Vera Lanskaya, in court"),
				p("Qalam’s editor-in-chief called the case ", em("an attempt to frighten every reporter who still works inside Russia"), " and said the newsroom would pay for her defence."),
				embed("https://t.me/qalam_ru_demo/5120", "telegram", "Video from the courtroom on Qalam’s Russian Telegram channel"),
			},
			update: &updateData{after: hours(4), add: []news.Block{
				p(strong("Update:"), " Lanskaya’s lawyer said the defence had filed an appeal against her detention."),
			}},
		},
		{
			id: enSummit, section: "politics", group: "summit",
			tags: []string{"kazakhstan", "iran"}, authors: []string{"tomas"},
			headline: in("Caspian ministers fail to agree on a transit corridor in Aktau"),
			deck:     in("Environmental safeguards for a new port and the split of transit fees kept the five states apart."),
			dateline: "AKTAU, Kazakhstan",
			lead:     enLead("The Caspian coast. Illustration."),
			ago:      ago(3, 4, 0),
			body: []news.Block{
				p("A meeting of the foreign ministers of the five Caspian states in Aktau ended without a deal on the “Caspian Bridge” transit corridor."),
				p("Two people who took part in the talks said the disagreement came down to three points:"),
				ol(
					in("a single transit tariff, pushed by Iran and Kazakhstan;"),
					in("separate port fees, favoured by Azerbaijan and Turkmenistan;"),
					in("an ", em("environmental assessment"), " of the new port, demanded by scientists."),
				),
				quote("The Caspian is a closed sea. An accident in one port hurts all five countries, so the environment cannot wait until later.", "Gulmira Seitova, marine biologist"),
				h2("What comes next"),
				p("Another round is planned for the autumn. Scientists want the port’s impact on the endangered Caspian seal published before then."),
			},
		},
		{
			id: enKopir, section: "technology", group: "kopir",
			tags: []string{"kazakhstan", "press"}, authors: []string{"pseud"},
			headline: in("Volunteers release Köpir, an app that spreads news without the internet"),
			deck:     in("The open-source tool passes articles from phone to phone over Bluetooth and Wi-Fi Direct."),
			dateline: "ALMATY, Kazakhstan",
			lead:     enLead("News that travels when the network does not. Illustration."),
			ago:      ago(2, 8, 0),
			body: []news.Block{
				p("A group of volunteer developers in Almaty has published Köpir (“bridge” in Kazakh), an open-source app that lets people read news during internet shutdowns by passing articles between nearby phones."),
				quote("Offline first, always. When the internet goes down, people still talk to each other. We made that safe.", "Timur Akhmetzhanov, project lead"),
				h2("How it works"),
				ol(
					in("Get the app from the official site or from a friend’s phone."),
					in("Download the latest articles while you are online."),
					in("When the connection drops, nearby phones swap articles automatically."),
				),
				p("Every article is ", strong("cryptographically signed"), ", so a tampered text is rejected. The source code is ",
					link("published openly", "https://code.example/kopir"), "."),
				embed("https://www.youtube.com/watch?v=Qk7pR2xVb9s", "youtube", "Köpir: how the app works (video)"),
			},
		},
		{
			id: enSaiga, section: "environment", group: "saiga",
			tags: []string{"kazakhstan", "climate"}, authors: []string{"tomas"},
			headline: in("Steppe fire nears saiga calving grounds in central Kazakhstan"),
			deck:     in("Dry spring weather and strong winds are hampering firefighters in the Betpak-Dala desert."),
			dateline: "ZHEZKAZGAN, Kazakhstan",
			lead:     enLead("The Betpak-Dala steppe. Illustration."),
			ago:      ago(2, 22, 0),
			body: []news.Block{
				p("A fire that has burned for three days in the Betpak-Dala desert has scorched ", strong("more than 12,000 hectares"),
					", according to the emergencies ministry. Its front is now about 30 km from the area where saiga antelope give birth each spring."),
				p("Hundreds of thousands of saigas calve there in May. Zoologists warn that newborn calves cannot outrun a fire."),
				quote("Not every steppe fire is natural. Spring grass burning is still common, and the fines are tiny.", "Zhanar Mukanova, zoologist"),
				p("Local farmers and volunteers are ploughing ", em("firebreaks"), " with tractors to turn the flames. Residents say there are not enough helicopters."),
			},
		},
		{
			id: enMoved, section: "society",
			tags: []string{"kazakhstan", "climate"}, authors: []string{"ruth"},
			headline: in("Dozens of Caspian seals found dead on Kazakhstan’s coast"),
			deck:     in("Scientists are testing the animals for disease and pollutants. It is the third such die-off in five years."),
			dateline: "AKTAU, Kazakhstan",
			lead:     enLead("The Caspian shore north of Aktau. Illustration."),
			ago:      ago(4, 0, 0),
			body: []news.Block{
				p("Residents of coastal villages north of Aktau have found at least 70 dead Caspian seals on a 20 km stretch of shore, local environmental officials said."),
				p("The Caspian seal lives nowhere else and is listed as ", em("endangered"), ". Its numbers have fallen by about 90 percent in a century."),
				figure(3101, "Abstract illustration: a teal sea under a pale sky", "The Caspian shore. Illustration.", "Qalam illustration"),
				quote("We need the samples tested by an independent laboratory, not only by the ministry.", "Gulmira Seitova, marine biologist"),
				ul(
					in("about 70 seals found this week;"),
					in("samples sent to two laboratories;"),
					in("results expected within a month."),
				),
			},
			move: &moveData{section: "environment"},
		},
		{
			id: enRemittances, section: "economy",
			tags: []string{"russia", "kyrgyzstan"}, authors: []string{"tomas"},
			headline: in("Remittances from Russia to Central Asia fall for a third month"),
			deck:     in("Families in Tajikistan and Kyrgyzstan feel the squeeze as migrant workers send home less."),
			dateline: "BISHKEK, Kyrgyzstan",
			lead:     enLead("A money transfer office in Bishkek. Illustration."),
			ago:      ago(5, 0, 0),
			body: []news.Block{
				p("Money transfers from Russia to Kyrgyzstan and Tajikistan fell for the third month in a row, according to central bank figures from both countries."),
				p("Migrant workers point to a weaker ruble, new fees on transfers and ", em("tighter checks"), " on foreign workers in Russian cities."),
				quote("I used to send home half my salary. Now, after rent and the new work permit fee, there is almost nothing left.", "Farrukh, a construction worker in Kazan"),
				h2("Who is affected"),
				p("Remittances make up roughly a third of Kyrgyzstan’s economy and close to half of Tajikistan’s, making both among the most dependent in the world on money sent from abroad."),
			},
		},
		{
			id: enBand, section: "culture",
			tags: []string{"iran"}, authors: []string{"ruth"},
			headline: in("An exiled Iranian band plays its first concert in two years"),
			deck:     in("Sahar Sound left Tehran after its singer was banned from performing. In Yerevan, the hall sold out in a day."),
			dateline: "YEREVAN, Armenia",
			lead:     enLead("A concert stage in Yerevan. Illustration."),
			ago:      ago(6, 0, 0),
			body: []news.Block{
				p("The Tehran indie band Sahar Sound played to a sold-out hall in Yerevan, its first concert since its members left Iran two years ago."),
				p("Singer Mina Rostami was barred from performing after she posted a video of herself singing solo, something ", em("women may not do"), " in public in Iran."),
				quote("Every time I sing, I think of the women who cannot. This concert was for them.", "Mina Rostami, singer"),
				figure(3201, "Abstract illustration: circles of amber light on a plum sky", "A concert stage. Illustration.", "Qalam illustration"),
				embed("https://www.youtube.com/watch?v=Hs6bY2pLe5c", "youtube", "Sahar Sound live in Yerevan (fan video)"),
			},
		},
		{
			id: enBlogger, section: "politics",
			tags: []string{"kyrgyzstan", "press", "courts"}, authors: []string{"pseud"},
			headline: in("Kyrgyz court jails blogger over satirical video"),
			deck:     in("The sketch mocked a regional governor. Prosecutors called it “calls for mass unrest”."),
			dateline: "OSH, Kyrgyzstan",
			lead:     enLead("A road leading into an empty field. Illustration."),
			ago:      ago(7, 0, 0),
			body: []news.Block{
				p("A court in the southern Kyrgyz city of Osh has sentenced blogger Nurlan Toktomushev to three years in prison over a satirical video about a regional governor."),
				p("The two-minute sketch, viewed more than 800,000 times, showed a governor cutting a ribbon on a new road that ends in a field. Prosecutors said it contained ",
					strong("“calls for mass unrest”"), "."),
				quote("If a joke can start mass unrest, the problem is not the joke.", "Aizada Bekova, media lawyer"),
				p("Press freedom groups say the case is part of a wider crackdown on independent media in Kyrgyzstan."),
			},
		},
		{
			id: enMirrors, section: "technology",
			tags: []string{"press"}, authors: []string{"ruth", "tomas"},
			headline: in("How newsrooms in exile keep their websites reachable"),
			deck:     in("Mirrors, lightweight pages and newsletters: the tools that get readers past a block."),
			dateline: "PRAGUE",
			lead:     enLead("Many small doors. Illustration."),
			ago:      ago(8, 0, 0),
			body: []news.Block{
				p("When a government blocks a news site, the newsroom does not disappear. Its readers just need another way in. Here is what exiled and independent newsrooms, Qalam among them, rely on."),
				h2("The main tools"),
				ol(
					in(strong("Mirrors:"), " copies of the site at addresses that change when they are blocked."),
					in(strong("Lightweight pages:"), " text-first versions that load on slow or throttled connections."),
					in(strong("Email and messengers:"), " newsletters and channels that deliver stories directly."),
					in(strong("Tor and VPNs:"), " tools that hide which site a reader is visiting."),
				),
				quote("Every block is a race. The censor needs one rule; we need a hundred small doors.", "an engineer at an exiled newsroom"),
				p("You can find Qalam’s current addresses on our ", link("mirrors page", "/en/mirrors"), "."),
			},
		},
		{
			id: enFootball, section: "society",
			tags: []string{"kazakhstan"}, authors: []string{"corr"},
			headline: in("Alatau Stars win Kazakhstan’s women’s football league for the first time"),
			deck:     in("A club founded by volunteers five years ago beat the defending champions on the final day."),
			dateline: "ALMATY, Kazakhstan",
			lead:     enLead("A football pitch at dusk. Illustration."),
			ago:      ago(9, 2, 0),
			body: []news.Block{
				p("Alatau Stars, a women’s football club founded five years ago by volunteers, won the national league on the last day of the season with a 2–1 win over the defending champions."),
				p("Captain Dana Zhaksylykova scored the winner in the ", strong("88th minute"), "."),
				quote("We trained on a school pitch with no lights. Tonight we have the trophy and, I hope, finally a proper field.", "Dana Zhaksylykova, captain"),
				p("Most of the players still hold day jobs: the squad includes two teachers, a nurse and a software developer."),
			},
		},
		{
			id: enWithdrawn, section: "politics", state: unpublished,
			tags: []string{"kazakhstan"}, authors: []string{"ruth"},
			headline: in(UnpublishedMarker + " Officials named in procurement leak"),
			deck:     in("This story was withdrawn. " + UnpublishedMarker),
			dateline: "ASTANA, Kazakhstan",
			lead:     enLead("Withdrawn. Illustration."),
			ago:      ago(5, 10, 0),
			body: []news.Block{
				p(UnpublishedMarker, " This story was taken down pending a legal review of the source documents."),
				p("The leaked tender files could not be verified with a second source."),
				h2("What the files appeared to show"),
				p(UnpublishedMarker + " Names and sums are withheld."),
			},
		},
	}
}
