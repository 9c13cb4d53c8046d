# ruff: noqa: RUF001
"""Secrets known by where they are set rather than by a provider's prefix: a key, token or secret
assigned in config, `.env` or code, HTTP Basic credentials, `curl -u user:pass`, a password in a
URL of any scheme, an Azure SAS signature, and a password said in prose in other languages.

Each value must look chosen or generated (mixed alphabet, entropy, no placeholder word, not a
variable, a call or an environment reference), so `API_KEY=$API_KEY`, `token: <your-token>` and
`Basic dXNlcjpwYXNz` (user:pass) are not reported.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from urllib.parse import unquote

from dataqa.text.detectors import Detector
from dataqa.text.secrets import looks_random, mask, placeholder_password, said_password_ok

_UUID = re.compile(r"[0-9a-fA-F]{4,}(?:-[0-9a-fA-F]{4,})+")
"""A UUID or groups of hex in its manner ("e149636f-d9ca-0792", a simulated session's id)."""
_NOT_A_SECRET_NAME = re.compile(
    r"(?i)(?:^|[_.-])(?:page|next|prev|cursor|continuation|csrf|xsrf|type|count|limit|max|min|usage|hash|hashed"
    r"|digest|id|name|names|url|uri|path|file|length|expires?|expiry|ttl|header|prefix|format|field|env|ref"
    r"|version|label|public|pub|publishable)(?:[_.-]|$)"
)
"""Parts of a name that make it about a secret rather than the secret: `next_page_token`,
`token_type`, `secret_name`, `api_key_header`, `public_key`, `publishable_key`."""


def generated(value: str) -> bool:
    """A value that looks generated: 16 or more characters of a mixed alphabet with entropy (hex,
    16 symbols, needs less), not a UUID or hex groups like one (an id as often as a key: tooltalk's
    `session_token`s), a placeholder, an identifier, an attribute path or a call."""
    if _UUID.fullmatch(value):
        return False
    if re.fullmatch(r"[A-Za-z_][\w.]*", value) and not re.search(r"\d", value):
        return False  # an identifier or attribute path: settings.SECRET_KEY, process.env.TOKEN
    if re.match(r"(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*\(|[A-Za-z_]{4,}\([A-Za-z_\"')]", value):
        return False  # a call: `token := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)`
    if re.fullmatch(r"[a-z]+\d*(?:[_.](?:[a-z]+\d*|\d+))+", value):
        return False  # a name in snake case (`user_token_2`, `cfg.api_key_v2`): a variable
    hexadecimal = re.fullmatch(r"(?:0x)?[0-9a-fA-F]+", value) is not None
    return looks_random(value, 3.0 if hexadecimal else 3.5)


def _assigned_ok(m: re.Match[str], text: str) -> bool:
    """A generated value assigned to a secret's name that is about the secret itself."""
    return not _NOT_A_SECRET_NAME.search(m.group("name")) and generated(m.group(2))


_SECRET_NAME = (
    r"(?:[A-Za-z0-9]+[_.-])*(?:api[_.-]?key|apikey|api[_.-]?secret|api[_.-]?token|secret[_.-]?key|client[_.-]?secret"
    r"|app[_.-]?secret|consumer[_.-]?secret|access[_.-]?token|auth[_.-]?token|refresh[_.-]?token"
    r"|bearer[_.-]?token|secret[_.-]?token|private[_.-]?token|access[_.-]?key|signing[_.-]?(?:key|secret)"
    r"|webhook[_.-]?secret|encryption[_.-]?key|master[_.-]?key|auth[_.-]?key|secret|token)"
)


def _basic_ok(m: re.Match[str], text: str) -> bool:
    """HTTP Basic credentials: base64 of "user:password" whose password looks chosen (six or more
    characters, no space, not a placeholder: RFC 7617's "Aladdin:open sesame" is no one's)."""
    raw = m.group(1)
    try:
        decoded = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    user, sep, password = decoded.partition(":")
    return bool(sep and user) and decoded.isprintable() and _chosen(password)


def _chosen(password: str) -> bool:
    """A password that someone chose: six or more characters without a space, not a placeholder."""
    return len(password) >= 6 and " " not in password and not placeholder_password(password)


def _url_password_ok(m: re.Match[str], text: str) -> bool:
    return _chosen(unquote(m.group(1)))


def _sas_ok(m: re.Match[str], text: str) -> bool:
    """An Azure shared access signature: the `sig` of a URL that also gives the SAS version (`sv=`)."""
    window = text[max(m.start() - 400, 0) : m.start()]
    return "sv=" in window and looks_random(unquote(m.group(1)), 4.0)


_PASSWORD_WORDS = (
    r"password|passwort|kennwort|contraseña|contrasena|clave|mot de passe|senha|wachtwoord|hasło|haslo"
    r"|parola d'ordine|lösenord|losenord|adgangskode|passord|salasana|heslo|jelszó|jelszo|parolă|parola"
    r"|şifre|sifre|пароль"
)
_COPULA = r"is|ist|es|est|é|è|era|was|war|jest|to|är|er|on|je|este|это"
_VALUE_STOP = "\\s\"'`,;，。、；：！？）」』一-鿿぀-ヿ가-힣"
"""What ends a password said in text: a space, a quote, a comma, CJK punctuation or a CJK character."""


def _password(pattern: str, hint: str, said: bool = False) -> Detector:
    """A password (group 1 of `pattern`), never shown: said in text it must look chosen at random
    (`said_password_ok`); given to a command or a field, only not be a placeholder (`_chosen`)."""
    ok = said_password_ok if said else (lambda m, t: _chosen(m.group(1)))
    return Detector("password in text", pattern, ok, lambda s: "…", group=1, hint=hint)


def _keyed(
    kind: str,
    pattern: str,
    ok: Callable[[re.Match[str], str], bool],
    hint: str,
    group: int = 1,
    generic: bool = False,
) -> Detector:
    """A secret of group `group` of `pattern`, shown by its last four characters."""
    return Detector(kind, pattern, ok, lambda s: mask(s, 0), group=group, hint=hint, generic=generic)


_SAID_VALUE = rf"([^{_VALUE_STOP}]{{7,63}}[^{_VALUE_STOP}.)])"

_SAID_KEY_NAME = (
    r"(?i:\b(?:api|access|auth|secret|private|bearer|app|client|personal access)[ -](?:key|token|secret)s?\b"
    r"|\b(?:clave|llave|chave|cl[ée]) (?:de |d'|da )?api\b|\bapi-schl[üu]ssel\b|\bapi-?token\b"
    r"|api ?(?:密钥|密鑰|金鑰|キー|키)|(?:访问|訪問)?令牌|秘密鍵|私钥|私鑰)"
)
"""A key or token named in words ("my API key", "the access token", "mi clave de API", "API密钥")."""
_SAID_KEY_COPULA = r"(?:\s*(?:[:=：]|\b(?:is|was|ist|lautet|es|est|é|è|era)\b|是|为|為|は|는|은)\s*)"


CREDENTIAL_DETECTORS: list[Detector] = [
    _keyed(
        "secret in config",
        rf"(?i:\b(?P<name>{_SECRET_NAME})\b)[\"']?\s*(?::=|=>|[:=])\s*[\"'`]?([A-Za-z0-9+/=_.~!@#$%^&*()-]{{16,200}})",
        _assigned_ok,
        "key|secret|token",
        group=2,
        generic=True,
    ),
    _keyed(
        "secret in text",
        rf"{_SAID_KEY_NAME}{_SAID_KEY_COPULA}[\"'`«„“「]?([A-Za-z0-9+/=_.~-]{{16,200}})",
        lambda m, t: generated(m.group(1)),
        "key|token|secret|clave|llave|chave|clé|cle|schl|密钥|密鑰|金鑰|キー|키|令牌|秘密鍵|私钥|私鑰",
        generic=True,
    ),
    _password(r"\bmachine\s+\S+\s+login\s+\S+\s+password\s+(\S{6,128})", "machine"),
    _keyed("basic auth credentials", r"\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})", _basic_ok, "Basic"),
    _password(r"\bcurl\b[^\n]{0,200}?\s(?:-u|--user)\s*[\"']?[^\s:\"']{1,64}:([^\s\"']{6,128})", "curl"),
    Detector(
        "password in connection string",
        r"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@\"'<>]{1,64}:([^\s@/\"'<>]{1,128})@[^\s/?#\"'<>]+",
        _url_password_ok,
        lambda s: "…",
        group=1,
        hint="://",
    ),
    _keyed("Azure SAS signature", r"[?&]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})", _sas_ok, "sig="),
    _password(
        rf"(?i:\b(?:{_PASSWORD_WORDS})\b)[\"']?\s*(?::=|=>|[:=：—]|\b(?:{_COPULA})\b)\s*[\"'`«„“]?{_SAID_VALUE}",
        _PASSWORD_WORDS,
        said=True,
    ),
    _password(rf"(?i:\bпарол[ьяе]\b)\s*(?:[:=—–-]|это)?\s*[\"'«„]?{_SAID_VALUE}", "парол", said=True),
    _password(
        rf"(?:密码|密碼|口令|パスワード|비밀번호)\s*(?:是|为|為|は|는|은|：|:|=)\s*[\"'「『]?{_SAID_VALUE}",
        "密码|密碼|口令|パスワード|비밀번호",
        said=True,
    ),
    _password(r"\bmysql(?:dump|admin)?\b[^\n]{0,120}?\s(?:-p|--password=)[\"']?([^\s\"']{6,128})", "mysql"),
    _password(
        r"\b(?:sshpass|docker\s+login|podman\s+login|mongo|mongosh|redis-cli)\b"
        r"[^\n]{0,120}?\s(?:-p|--password|-a)[= ]\s*[\"']?([^\s\"']{6,128})",
        "-",
    ),
    _password(r"(?i:<(?:[\w:.-]*password|passwd|pwd|pass)>)\s*([^<\s]{6,128})\s*</", "<"),
    _keyed(
        "session cookie",
        r"(?i:\b(?:set-)?cookie:)[^\n]{0,200}?\b(?:session[_-]?id|sessionid|sid|session|connect\.sid|phpsessid"
        r"|jsessionid|auth[_-]?token|remember[_-]?token|_[a-z]+_session)=([A-Za-z0-9%._~+/-]{16,400})",
        lambda m, t: looks_random(unquote(m.group(1)), 3.0),
        "ookie",
    ),
    _keyed(
        "secret in config",
        r"[?&](?i:key|api[_-]?key|apikey|appid|access[_-]?token|auth[_-]?token|token|client[_-]?secret)"
        r"=([A-Za-z0-9_.~-]{16,200})",
        lambda m, t: generated(m.group(1)),
        "=",
        generic=True,
    ),
    Detector(
        "private key",
        r"\bPuTTY-User-Key-File-\d:[^\n]*\n(?:[^\n]*\n){0,40}?Private-Lines: \d+\s+"
        r"([A-Za-z0-9+/=\s]{64,4000})",
        lambda m, t: len(body := re.sub(r"\s", "", m.group(1))) >= 64 and looks_random(body, 4.0),
        lambda s: "PuTTY-User-Key-File…",
        hint="PuTTY",
    ),
]
"""Credentials by where they are set; `generic` ones give way to a provider's detector on the same span.
MySQL's `-p` takes its password attached (`-pS3cret`); `mysql -u root -p shop` prompts for it and
names the database, so only the attached form is read."""
