package auth

// Verifies reports how many argon2 password checks au has run.
func (au *Auth) Verifies() int64 { return au.verifies.Load() }
