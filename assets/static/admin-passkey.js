// Passkeys in the newsroom admin: each form marked data-passkey runs one
// WebAuthn ceremony. Its submit posts the form (with its CSRF token) to
// data-begin, hands the options to navigator.credentials, posts the
// authenticator's answer as the field "credential" to data-finish, and
// goes where the answer says. Errors are told in the form's status region
// (aria-live). Forms stay hidden in browsers without WebAuthn.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function fromB64u(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) {
      s += "=";
    }
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function toB64u(buf) {
    var bytes = new Uint8Array(buf);
    var s = "";
    for (var i = 0; i < bytes.length; i++) {
      s += String.fromCharCode(bytes[i]);
    }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // decodeOptions turns the server's JSON options into what
  // navigator.credentials takes: binary fields as ArrayBuffers.
  function decodeOptions(pk) {
    pk.challenge = fromB64u(pk.challenge);
    if (pk.user && typeof pk.user.id === "string") {
      pk.user.id = fromB64u(pk.user.id);
    }
    ["excludeCredentials", "allowCredentials"].forEach(function (k) {
      if (pk[k]) {
        pk[k] = pk[k].map(function (c) {
          return { type: c.type, id: fromB64u(c.id), transports: c.transports };
        });
      }
    });
    return pk;
  }

  // encodeCredential is the authenticator's answer as JSON (base64url).
  function encodeCredential(c) {
    var r = c.response;
    var out = {
      id: c.id,
      rawId: toB64u(c.rawId),
      type: c.type,
      clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64u(r.clientDataJSON) }
    };
    if (c.authenticatorAttachment) {
      out.authenticatorAttachment = c.authenticatorAttachment;
    }
    if (r.attestationObject) {
      out.response.attestationObject = toB64u(r.attestationObject);
      if (r.getTransports) {
        out.response.transports = r.getTransports();
      }
    } else {
      out.response.authenticatorData = toB64u(r.authenticatorData);
      out.response.signature = toB64u(r.signature);
      if (r.userHandle) {
        out.response.userHandle = toB64u(r.userHandle);
      }
    }
    return out;
  }

  // post sends the form's fields (and extra ones) and reads the JSON
  // answer; anything else (a redirect to sign-in, a refused form) is
  // an error asking for a reload.
  function post(url, form, extra) {
    var body = new URLSearchParams(new FormData(form));
    Object.keys(extra || {}).forEach(function (k) {
      body.set(k, extra[k]);
    });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json" }
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        throw new Error(t(form, "This page is out of date. Reload it and try again."));
      }
      return resp.json().then(function (data) {
        if (!resp.ok || data.error) {
          throw new Error(data.error || t(form, "That did not work. Try again."));
        }
        return data;
      });
    });
  }

  // t is English text s in the page's language: the form's data-i18n
  // holds a JSON object from English text to its translation.
  function t(form, s) {
    try {
      var m = JSON.parse(form.getAttribute("data-i18n") || "{}");
      return typeof m[s] === "string" && m[s] ? m[s] : s;
    } catch (e) {
      return s;
    }
  }

  function say(status, text, isError) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function run(form) {
    var status = form.querySelector(".passkey-status");
    var button = form.querySelector("button[type=submit]");
    var creating = form.getAttribute("data-passkey") === "register";
    button.disabled = true;
    say(status, creating ? t(form, "Follow your browser's prompt to create the passkey…") : t(form, "Follow your browser's prompt to use your passkey…"), false);
    post(form.getAttribute("data-begin"), form)
      .then(function (opts) {
        var pk = decodeOptions(opts.publicKey);
        return creating ? navigator.credentials.create({ publicKey: pk }) : navigator.credentials.get({ publicKey: pk });
      })
      .then(function (cred) {
        if (!cred) {
          throw new Error(t(form, "No passkey was given."));
        }
        return post(form.getAttribute("data-finish"), form, { credential: JSON.stringify(encodeCredential(cred)) });
      })
      .then(function (done) {
        say(status, t(form, "Done."), false);
        window.location.assign(done.next || "/admin");
      })
      .catch(function (err) {
        button.disabled = false;
        var msg = err && err.message ? err.message : String(err);
        if (err && (err.name === "NotAllowedError" || err.name === "AbortError")) {
          msg = t(form, "The passkey request was cancelled or timed out. Try again when you are ready.");
        } else if (err && err.name === "InvalidStateError") {
          msg = t(form, "This authenticator already holds a passkey for your account.");
        }
        say(status, msg, true);
        button.focus();
      });
  }

  var forms = document.querySelectorAll("form[data-passkey]");
  for (var i = 0; i < forms.length; i++) {
    (function (form) {
      form.hidden = false;
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        run(form);
      });
    })(forms[i]);
  }
})();
