package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Telegram holds the settings of the Telegram channels (internal/telegram):
// off unless a channel is given for some service.
type Telegram struct {
	// Chats maps a service code to its channel: "@name" or a numeric chat
	// id such as -1001234567890.
	Chats map[string]string
	Token Secret // the bot's token, from QALAM_TELEGRAM_TOKEN only; never printed
	API   string // the Bot API's address, e.g. https://api.telegram.org
}

// Enabled reports whether any service posts to a channel.
func (t Telegram) Enabled() bool { return len(t.Chats) > 0 }

var (
	chatName = regexp.MustCompile(`^@[A-Za-z][A-Za-z0-9_]{3,31}$`)
	chatID   = regexp.MustCompile(`^-?[0-9]{1,20}$`)
	// tokenShape is what BotFather hands out: digits, a colon, a secret.
	tokenShape = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
)

// telegramFlags registers the Telegram flags on fs and returns the function
// that checks them after parsing.
func telegramFlags(fs *flag.FlagSet, t *Telegram) func() error {
	chats := fs.String("telegram", env("QALAM_TELEGRAM", ""), "post each service's published stories to a Telegram `channel`: comma-separated service=chat pairs, e.g. kk=@channel_kk,ru=-1001234567890; off when empty (env QALAM_TELEGRAM; the bot token from QALAM_TELEGRAM_TOKEN only)")
	fs.StringVar(&t.API, "telegram-api", env("QALAM_TELEGRAM_API", "https://api.telegram.org"), "the Telegram Bot API's `URL` (env QALAM_TELEGRAM_API)")
	t.Token = Secret(strings.TrimSpace(env("QALAM_TELEGRAM_TOKEN", "")))
	return func() error {
		t.Chats = nil
		for _, pair := range strings.Split(*chats, ",") {
			pair = strings.TrimSpace(pair)
			if pair == "" {
				continue
			}
			svc, chat, ok := strings.Cut(pair, "=")
			svc, chat = strings.TrimSpace(svc), strings.TrimSpace(chat)
			if !ok || svc == "" || !(chatName.MatchString(chat) || chatID.MatchString(chat)) {
				return fmt.Errorf("serve: --telegram %q: give service=chat, the chat as @channelname or a numeric id", pair)
			}
			if t.Chats == nil {
				t.Chats = map[string]string{}
			}
			if _, dup := t.Chats[svc]; dup {
				return fmt.Errorf("serve: --telegram names service %q twice", svc)
			}
			t.Chats[svc] = chat
		}
		if !t.Enabled() {
			return nil
		}
		if t.Token == "" {
			return errors.New("serve: --telegram needs the bot token in QALAM_TELEGRAM_TOKEN")
		}
		if !tokenShape.MatchString(t.Token.Reveal()) {
			return errors.New("serve: QALAM_TELEGRAM_TOKEN does not look like a bot token (digits:secret from @BotFather)")
		}
		u, err := url.Parse(t.API)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("serve: --telegram-api %q: give an http(s) URL such as https://api.telegram.org", t.API)
		}
		if u.Scheme == "http" && !loopback(u.Hostname()) {
			return fmt.Errorf("serve: --telegram-api %q: plain http would send the bot token in clear text; it is allowed only to a loopback address", t.API)
		}
		t.API = strings.TrimRight(t.API, "/")
		return nil
	}
}
