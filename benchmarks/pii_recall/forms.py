# ruff: noqa: RUF001, E501  (a table of forms: one per line)
"""The forms secrets and personal data take in real leaks, and the look-alikes that are neither.

Each form is a name, the check that should report it (PII001, PII002, or "" for a clean control),
and a function of a seeded `random.Random` that returns the snippet as it would sit in a record
(a config line, a header, a sentence). Formats were learnt from public secret-scanning rule sets
(gitleaks, detect-secrets, trufflehog, GitHub's supported patterns); every value is drawn at random
here, none is copied.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

B62 = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def draw(rng: random.Random, alphabet: str, n: int) -> str:
    """`n` characters drawn from `alphabet`, with at least one digit and one letter when it has both."""
    while True:
        out = "".join(rng.choice(alphabet) for _ in range(n))
        if not (any(c.isdigit() for c in alphabet) and any(c.isalpha() for c in alphabet)):
            return out
        if any(c.isdigit() for c in out) and any(c.isalpha() for c in out):
            return out


def b64(rng: random.Random, n: int) -> str:
    return base64.b64encode(rng.randbytes(n)).decode()


@dataclass(frozen=True)
class Form:
    name: str
    expect: str
    """PII001, PII002, or "" (a clean control: no PII finding expected)."""
    make: Callable[[random.Random], str]
    prose: bool = False
    """The snippet is a sentence (said in text), not a line of config or code."""
    claimed: bool = True
    """Whether the check's docstring claims the kind (an unclaimed kind is measured, not a miss)."""


def _pem(rng: random.Random, label: str) -> str:
    body = b64(rng, 600)
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"


def _gcp_json(rng: random.Random) -> str:
    key = _pem(rng, "PRIVATE KEY") + "\n"
    project = rng.choice(["billing-prod", "acme-ml", "ingest-4471"])
    return json.dumps(
        {
            "type": "service_account",
            "project_id": project,
            "private_key_id": draw(rng, HEX, 40),
            "private_key": key,
            "client_email": f"loader@{project}.iam.gserviceaccount.com",
            "client_id": "".join(rng.choice(string.digits) for _ in range(21)),
        },
        indent=2,
    )


def _jwt(rng: random.Random) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    head = part({"alg": "HS256", "typ": "JWT"})
    claims = part(
        {"sub": str(rng.randint(1000, 99999)), "exp": 1767225600 + rng.randint(0, 10**6), "iat": 1767139200}
    )
    return f"{head}.{claims}.{base64.urlsafe_b64encode(rng.randbytes(32)).decode().rstrip('=')}"


def _basic(rng: random.Random) -> str:
    user = rng.choice(["deploy", "jenkins", "svc-report", "mkowalski"])
    return base64.b64encode(f"{user}:{draw(rng, B62, 14)}".encode()).decode()


def _chosen_password(rng: random.Random) -> str:
    return draw(rng, B62, 5) + rng.choice("!#%&*@") + draw(rng, B62, 5)


# Check digits computed here, independently of the detectors they test (so the generator also runs
# against an older dataqa to measure it).
def luhn_ok(digits: str) -> bool:
    doubled = "".join(str(int(c) * (1 + i % 2)) for i, c in enumerate(reversed(digits)))
    return sum(map(int, doubled)) % 10 == 0


def verhoeff_ok(digits: str) -> bool:
    d5 = [
        [
            (a + b) % 5
            if a < 5 and b < 5
            else 5 + (a - b) % 5
            if a >= 5 and b < 5
            else 5 + (a + b) % 5
            if a < 5
            else (a - b) % 5
            for b in range(10)
        ]
        for a in range(10)
    ]
    perm = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
    p = [perm[0], perm[1]]
    for _ in range(6):
        p.append([p[1][x] for x in p[-1]])
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = d5[c][p[i % 8][int(ch)]]
    return c == 0


def nhs_ok(digits: str) -> bool:
    rest = (11 - sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11) % 11
    return rest < 10 and rest == int(digits[9])


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return next(body + d for d in string.digits if luhn_ok(body + d))


def _iban(rng: random.Random, country: str, bban_len: int, alpha: int = 0) -> str:
    bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(alpha)) + "".join(
        rng.choice(string.digits) for _ in range(bban_len - alpha)
    )
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    iban = f"{country}{98 - number % 97:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _ssn(rng: random.Random) -> str:
    return f"{rng.randint(100, 665):03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"


def _dni(rng: random.Random) -> str:
    n = rng.randint(10_000_000, 99_999_999)
    return f"{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}"


def _cn_id(rng: random.Random) -> str:
    body = f"110105{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _cpf(rng: random.Random) -> str:
    d = [rng.randint(0, 9) for _ in range(9)]
    for n in (10, 11):
        s = sum(x * w for x, w in zip(d, range(n, 1, -1), strict=False)) % 11
        d.append(0 if s < 2 else 11 - s)
    s = "".join(map(str, d))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def _verhoeff_complete(rng: random.Random) -> str:
    while True:
        body = str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(10))
        for d in string.digits:
            if verhoeff_ok(body + d):
                n = body + d
                return f"{n[:4]} {n[4:8]} {n[8:]}"


def _nhs(rng: random.Random) -> str:
    while True:
        n = "".join(rng.choice(string.digits) for _ in range(9))
        for d in string.digits:
            if nhs_ok(n + d):
                return f"{n[:3]} {n[3:6]} {n[6:]}{d}"


def _ipv4(rng: random.Random) -> str:
    return f"{rng.choice([81, 92, 145, 178, 203])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(2, 254)}"


def _ipv6(rng: random.Random) -> str:
    return f"2a02:{rng.randint(0x1000, 0xFFFF):x}:{rng.randint(0x100, 0xFFFF):x}:{rng.randint(1, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(["maria", "tomasz", "aisha", "kenji", "lucia", "oluwaseun"]), rng.choice(
        ["kowalczyk", "haddad", "moreau", "tanaka", "okafor", "lindqvist"]
    )


def _phone_digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("23456789") for _ in range(n))


SECRETS: list[Form] = [
    Form("aws access key id", "PII001", lambda r: f"aws_access_key_id = AKIA{draw(r, UPPER_DIGITS, 16)}"),
    Form("aws secret access key", "PII001", lambda r: f"aws_secret_access_key = {draw(r, B62 + '/+', 40)}"),
    Form("aws secret as env", "PII001", lambda r: f"export AWS_SECRET_ACCESS_KEY={draw(r, B62 + '/+', 40)}"),
    Form("gcp service account json", "PII001", _gcp_json),
    Form("azure storage connection string", "PII001",
         lambda r: f"DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey={b64(r, 64)};EndpointSuffix=core.windows.net"),
    Form("azure sas url", "PII001",
         lambda r: "https://acmedata.blob.core.windows.net/exports/q3.csv?sv=2022-11-02&ss=b&srt=o&sp=r"
         f"&se=2026-12-31T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig={b64(r, 32).replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')}"),
    Form("github classic token", "PII001", lambda r: f"GITHUB_TOKEN=ghp_{draw(r, B62, 36)}"),
    Form("github fine-grained token", "PII001", lambda r: f"github_pat_{draw(r, B62, 22)}_{draw(r, B62, 59)}"),
    Form("gitlab personal token", "PII001", lambda r: f"export GITLAB_TOKEN=glpat-{draw(r, B62 + '_-', 20)}"),
    Form("slack bot token", "PII001", lambda r: f"SLACK_BOT_TOKEN=xoxb-{r.randint(10**10, 10**11)}-{r.randint(10**11, 10**12)}-{draw(r, B62, 24)}"),
    Form("slack webhook", "PII001", lambda r: f"https://hooks.slack.com/services/T{draw(r, UPPER_DIGITS, 8)}/B{draw(r, UPPER_DIGITS, 10)}/{draw(r, B62, 24)}"),
    Form("stripe secret key", "PII001", lambda r: f"stripe.api_key = \"sk_live_{draw(r, B62, 24)}\""),
    Form("stripe restricted key", "PII001", lambda r: f"STRIPE_KEY=rk_live_{draw(r, B62, 99)}"),
    Form("twilio api key", "PII001", lambda r: f"TWILIO_API_KEY=SK{draw(r, HEX, 32)}"),
    Form("twilio auth token", "PII001", lambda r: f"TWILIO_AUTH_TOKEN={draw(r, HEX, 32)}"),
    Form("sendgrid key", "PII001", lambda r: f"SENDGRID_API_KEY=SG.{draw(r, B62 + '_-', 22)}.{draw(r, B62 + '_-', 43)}"),
    Form("openai project key", "PII001", lambda r: f"OPENAI_API_KEY=sk-proj-{draw(r, B62 + '_-', 124)}"),
    Form("openai legacy key", "PII001", lambda r: f"openai.api_key = 'sk-{draw(r, B62, 20)}T3BlbkFJ{draw(r, B62, 20)}'"),
    Form("anthropic key", "PII001", lambda r: f"ANTHROPIC_API_KEY=sk-ant-api03-{draw(r, B62 + '_-', 93)}AA"),
    Form("hugging face token", "PII001", lambda r: f"huggingface-cli login --token hf_{draw(r, B62, 34)}"),
    Form("npm token", "PII001", lambda r: f"//registry.npmjs.org/:_authToken=npm_{draw(r, B62, 36)}"),
    Form("pypi token", "PII001", lambda r: f"password = pypi-AgEIcHlwaS5vcmc{draw(r, B62 + '_-', 70)}"),
    Form("google api key", "PII001", lambda r: f"const apiKey = \"AIza{draw(r, B62 + '_-', 35)}\";"),
    Form("google oauth client secret", "PII001", lambda r: f"\"client_secret\": \"GOCSPX-{draw(r, B62 + '_-', 28)}\""),
    Form("telegram bot token", "PII001", lambda r: f"bot = Bot(token=\"{r.randint(10**9, 8 * 10**9)}:AA{draw(r, B62 + '_-', 33)}\")"),
    Form("discord bot token", "PII001",
         lambda r: f"client.run('{base64.b64encode(str(r.randint(10**17, 10**18)).encode()).decode().rstrip('=')}.{draw(r, B62, 6)}.{draw(r, B62 + '_-', 38)}')"),
    Form("jwt", "PII001", lambda r: f"token = \"{_jwt(r)}\""),
    Form("rsa private key", "PII001", lambda r: _pem(r, "RSA PRIVATE KEY")),
    Form("openssh private key", "PII001", lambda r: _pem(r, "OPENSSH PRIVATE KEY")),
    Form("postgres url", "PII001", lambda r: f"DATABASE_URL=postgresql://app:{_chosen_password(r)}@db-prod.internal:5432/orders"),
    Form("mongodb srv url", "PII001", lambda r: f"mongodb+srv://analytics:{draw(r, B62, 16)}@cluster0.x7k2p.mongodb.net/prod"),
    Form("https url with credentials", "PII001", lambda r: f"git clone https://deploy:{draw(r, B62, 18)}@git.acme-corp.io/team/app.git"),
    Form("env secret key", "PII001", lambda r: f"SECRET_KEY={draw(r, B62 + '!@#%^&*(-_=+)', 50)}"),
    Form("env api key", "PII001", lambda r: f"PAYMENTS_API_KEY={draw(r, B62, 32)}"),
    Form("python api key assignment", "PII001", lambda r: f"api_key = \"{draw(r, HEX, 32)}\""),
    Form("basic auth header", "PII001", lambda r: f"Authorization: Basic {_basic(r)}"),
    Form("curl bearer token", "PII001", lambda r: f"curl -H \"Authorization: Bearer {draw(r, B62, 40)}\" https://api.acme-corp.io/v2/orders"),
    Form("curl user password", "PII001", lambda r: f"curl -u admin:{_chosen_password(r)} https://jenkins.acme-corp.io/api/json"),
    Form("yaml password", "PII001", lambda r: f"database:\n  user: app\n  password: {_chosen_password(r)}"),
    Form("json password", "PII001", lambda r: f"{{\"username\": \"svc_etl\", \"password\": \"{_chosen_password(r)}\"}}"),
    Form("prose password", "PII001", lambda r: f"my password is {_chosen_password(r)} and it stopped working", prose=True),
    Form("prose password (de)", "PII001", lambda r: f"mein Passwort ist {_chosen_password(r)}, aber die Anmeldung schlägt fehl", prose=True),
    Form("prose password (es)", "PII001", lambda r: f"mi contraseña es {_chosen_password(r)} y no puedo entrar", prose=True),
    Form("prose password (fr)", "PII001", lambda r: f"mon mot de passe est {_chosen_password(r)} mais ça ne marche plus", prose=True),
    Form("prose password (zh)", "PII001", lambda r: f"我的密码是{_chosen_password(r)}，但是登录不了", prose=True),
    Form("docker compose db password", "PII001", lambda r: f"environment:\n  MYSQL_ROOT_PASSWORD: {_chosen_password(r)}\n  MYSQL_DATABASE: shop"),
    Form("pgpassword env", "PII001", lambda r: f"PGPASSWORD={_chosen_password(r)} psql -h db.internal -U app orders"),
    Form("db_pass env", "PII001", lambda r: f"DB_USER=app\nDB_PASS={_chosen_password(r)}"),
    Form("xml password", "PII001", lambda r: f"<datasource><user>app</user><password>{_chosen_password(r)}</password></datasource>"),
    Form("dotnet connection string", "PII001", lambda r: f"Server=tcp:acme.database.windows.net,1433;User ID=sqladmin;Password={_chosen_password(r)};Encrypt=True;"),
    Form("mysql -p flag", "PII001", lambda r: f"mysql -u root -p{_chosen_password(r)} -h 10.0.0.5 shop"),
    Form("sshpass", "PII001", lambda r: f"sshpass -p '{_chosen_password(r)}' ssh deploy@build.acme-corp.io"),
    Form("docker login -p", "PII001", lambda r: f"docker login -u ci-bot -p {_chosen_password(r)} registry.acme-corp.io"),
    Form("pass: in prose", "PII001", lambda r: f"user: jdoe88 pass: {_chosen_password(r)}", prose=True),
    Form("prose password (pt)", "PII001", lambda r: f"minha senha é {_chosen_password(r)} e não consigo entrar", prose=True),
    Form("prose password (it)", "PII001", lambda r: f"la mia password è {_chosen_password(r)} ma non funziona", prose=True),
    Form("prose password (ru)", "PII001", lambda r: f"мой пароль {_chosen_password(r)}, но вход не работает", prose=True),
    Form("prose password (ja)", "PII001", lambda r: f"パスワードは{_chosen_password(r)}です", prose=True),
    Form("prose password (ko)", "PII001", lambda r: f"제 비밀번호는 {_chosen_password(r)} 입니다", prose=True),
    Form("prose password (nl)", "PII001", lambda r: f"mijn wachtwoord is {_chosen_password(r)} maar het werkt niet", prose=True),
    Form("prose password (pl)", "PII001", lambda r: f"moje hasło to {_chosen_password(r)} i nie działa", prose=True),
    Form("wifi password prose", "PII001", lambda r: f"the wifi password is {_chosen_password(r)}", prose=True),
    Form("pgp private key", "PII001", lambda r: _pem(r, "PGP PRIVATE KEY BLOCK")),
    Form("ec private key", "PII001", lambda r: _pem(r, "EC PRIVATE KEY")),
    Form("putty key", "PII001", lambda r: "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n" + b64(r, 60) + "\nPrivate-Lines: 4\n" + "\n".join(b64(r, 48) for _ in range(4))),
    Form("slack user token", "PII001", lambda r: f"xoxp-{r.randint(10**10, 10**11)}-{r.randint(10**10, 10**11)}-{r.randint(10**11, 10**12)}-{draw(r, HEX, 32)}"),
    Form("aws session token", "PII001", lambda r: f"aws_session_token = IQoJb3JpZ2luX2VjE{draw(r, B62 + '/+', 300)}"),
    Form("azure ad client secret", "PII001", lambda r: f"AZURE_CLIENT_SECRET={draw(r, B62, 3)}8Q~{draw(r, B62 + '_~.-', 34)}"),
    Form("stripe webhook secret", "PII001", lambda r: f"endpoint_secret = 'whsec_{draw(r, B62, 32)}'"),
    Form("mailchimp key", "PII001", lambda r: f"{draw(r, HEX, 32)}-us{r.randint(1, 21)}"),
    Form("shopify token", "PII001", lambda r: f"X-Shopify-Access-Token: shpat_{draw(r, HEX, 32)}"),
    Form("digitalocean token", "PII001", lambda r: f"doctl auth init -t dop_v1_{draw(r, HEX, 64)}"),
    Form("vault token", "PII001", lambda r: f"VAULT_TOKEN=hvs.{draw(r, B62 + '_-', 90)}"),
    Form("groq key", "PII001", lambda r: f"client = Groq(api_key=\"gsk_{draw(r, B62, 52)}\")"),
    Form("session cookie", "PII001", lambda r: f"Cookie: sessionid={draw(r, 'abcdefghijklmnopqrstuvwxyz0123456789', 32)}; csrftoken={draw(r, B62, 32)}"),
    Form("x-api-key header", "PII001", lambda r: f"-H 'x-api-key: {draw(r, B62, 40)}'"),
    Form("api key in url query", "PII001", lambda r: f"https://api.openweathermap.org/data/2.5/weather?q=Oslo&appid={draw(r, HEX, 32)}"),
    Form("api key said in prose", "PII001", lambda r: f"my API key is {draw(r, HEX, 32)}, can you check why it fails?", prose=True),
    Form("access token said in prose", "PII001", lambda r: f"here is the access token: {draw(r, B62, 40)}", prose=True),
    Form("api key said (es)", "PII001", lambda r: f"mi clave de API es {draw(r, B62, 32)}", prose=True),
    Form("api key said (de)", "PII001", lambda r: f"mein API-Schlüssel lautet {draw(r, B62, 32)}", prose=True),
    Form("api key said (zh)", "PII001", lambda r: f"我的API密钥是{draw(r, B62, 32)}，帮我看看", prose=True),
    Form("netrc", "PII001", lambda r: f"machine api.heroku.com\n  login ops@acme-corp.io\n  password {draw(r, HEX, 8)}-{draw(r, HEX, 4)}-{draw(r, HEX, 4)}-{draw(r, HEX, 12)}"),
    Form("wallet private key", "PII001", lambda r: f"my wallet private key is 0x{draw(r, HEX, 64)}", prose=True),
    Form("client secret in json", "PII001", lambda r: f"{{\"client_id\": \"{uuid.UUID(int=r.getrandbits(128))}\", \"client_secret\": \"{draw(r, B62 + '~._-', 40)}\"}}"),
]  # fmt: skip

PERSONAL: list[Form] = [
    Form("email (gmail)", "PII002", lambda r: "write to me at {}.{}{}@gmail.com".format(*_name(r), r.randint(1, 99)), prose=True),
    Form("email (company person)", "PII002", lambda r: "my work address is {}.{}@lindqvist-bau.de".format(*_name(r)), prose=True),
    Form("phone us", "PII002", lambda r: f"call me at ({r.choice(['415', '312', '646'])}) {r.choice('2346789')}{_phone_digits(r, 2)}-{_phone_digits(r, 4)}", prose=True),
    Form("phone uk +44", "PII002", lambda r: f"my mobile is +44 7{_phone_digits(r, 3)} {_phone_digits(r, 6)}", prose=True),
    Form("phone uk national", "PII002", lambda r: f"ring me on 07{_phone_digits(r, 3)} {_phone_digits(r, 6)} after six", prose=True),
    Form("phone fr national", "PII002", lambda r: "mon numéro est le 06 {} {} {} {}".format(*[_phone_digits(r, 2) for _ in range(4)]), prose=True),
    Form("phone de +49", "PII002", lambda r: f"erreichbar unter +49 151 {_phone_digits(r, 8)}", prose=True),
    Form("phone in +91", "PII002", lambda r: f"my number is +91 98{_phone_digits(r, 3)} {_phone_digits(r, 5)}", prose=True),
    Form("phone jp national", "PII002", lambda r: f"電話番号は090-{_phone_digits(r, 4)}-{_phone_digits(r, 4)}です", prose=True),
    Form("phone br +55", "PII002", lambda r: f"meu celular é +55 11 9{_phone_digits(r, 4)}-{_phone_digits(r, 4)}", prose=True),
    Form("phone au +61", "PII002", lambda r: f"text me on +61 4{_phone_digits(r, 2)} {_phone_digits(r, 3)} {_phone_digits(r, 3)}", prose=True),
    Form("phone cn mobile", "PII002", lambda r: f"我的手机号是138{_phone_digits(r, 8)}", prose=True),
    Form("card visa grouped", "PII002", lambda r: (lambda d: f"card: {d[:4]} {d[4:8]} {d[8:12]} {d[12:]}")(_luhn_complete("4", 16, r))),
    Form("card mastercard plain", "PII002", lambda r: f"\"card_number\": \"{_luhn_complete('53', 16, r)}\""),
    Form("card amex 4-6-5", "PII002", lambda r: (lambda d: f"Amex {d[:4]} {d[4:10]} {d[10:]}, exp 09/27")(_luhn_complete("37", 15, r))),
    Form("iban de", "PII002", lambda r: f"IBAN: {_iban(r, 'DE', 18)}"),
    Form("iban gb", "PII002", lambda r: f"pay into {_iban(r, 'GB', 18, alpha=4)}"),
    Form("iban fr", "PII002", lambda r: f"RIB / IBAN {_iban(r, 'FR', 23)}"),
    Form("us ssn", "PII002", lambda r: f"SSN: {_ssn(r)}"),
    Form("us ssn in prose", "PII002", lambda r: f"my social security number is {_ssn(r)}", prose=True),
    Form("uk nino", "PII002", lambda r: f"National Insurance number: {r.choice(['AB', 'JG', 'PR'])} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.choice('ABCD')}"),
    Form("spanish dni", "PII002", lambda r: f"DNI {_dni(r)}"),
    Form("ipv4 public", "PII002", lambda r: f"the login came from {_ipv4(r)} last night", prose=True),
    Form("ipv6 global", "PII002", lambda r: f"my home router's address is {_ipv6(r)}", prose=True),
    Form("email plus address", "PII002", lambda r: f"reach me at {_name(r)[0]}+shop@outlook.com", prose=True),
    Form("phone us dots", "PII002", lambda r: f"my cell is 415.{r.choice('2346789')}{_phone_digits(r, 2)}.{_phone_digits(r, 4)}", prose=True),
    Form("phone +1 dashes", "PII002", lambda r: f"call +1-312-{r.choice('2346789')}{_phone_digits(r, 2)}-{_phone_digits(r, 4)} tomorrow", prose=True),
    Form("phone fr +33", "PII002", lambda r: "appelle-moi au +33 6 {} {} {} {}".format(*[_phone_digits(r, 2) for _ in range(4)]), prose=True),
    Form("phone cn +86", "PII002", lambda r: f"WeChat/phone: +86 139 {_phone_digits(r, 4)} {_phone_digits(r, 4)}", prose=True),
    Form("phone jp +81", "PII002", lambda r: f"携帯 +81 90-{_phone_digits(r, 4)}-{_phone_digits(r, 4)}", prose=True),
    Form("phone ru +7", "PII002", lambda r: f"мой номер +7 912 {_phone_digits(r, 3)}-{_phone_digits(r, 2)}-{_phone_digits(r, 2)}", prose=True),
    Form("phone ng +234", "PII002", lambda r: f"my line is +234 803 {_phone_digits(r, 3)} {_phone_digits(r, 4)}", prose=True),
    Form("phone mx +52", "PII002", lambda r: f"mi número es +52 55 {_phone_digits(r, 4)} {_phone_digits(r, 4)}", prose=True),
    Form("phone br national", "PII002", lambda r: f"meu celular é (11) 9{_phone_digits(r, 4)}-{_phone_digits(r, 4)}", prose=True),
    Form("phone au national", "PII002", lambda r: f"call me on 04{_phone_digits(r, 2)} {_phone_digits(r, 3)} {_phone_digits(r, 3)}", prose=True),
    Form("phone de +49 (0)", "PII002", lambda r: f"Tel.: +49 (0) 151 {_phone_digits(r, 8)}", prose=True),
    Form("card discover", "PII002", lambda r: (lambda d: f"Discover {d[:4]} {d[4:8]} {d[8:12]} {d[12:]}")(_luhn_complete("6011", 16, r))),
    Form("card dashes", "PII002", lambda r: (lambda d: f"card {d[:4]}-{d[4:8]}-{d[8:12]}-{d[12:]} exp 11/28")(_luhn_complete("45", 16, r))),
    Form("iban compact", "PII002", lambda r: f"IBAN {_iban(r, 'NL', 14, alpha=4).replace(' ', '')}"),
    Form("ssn spaces", "PII002", lambda r: "SSN " + _ssn(r).replace("-", " ")),
    Form("ssn no separators", "PII002", lambda r: "social security number: " + _ssn(r).replace("-", "")),
    Form("ipv4 in log line", "PII002", lambda r: f"sshd[812]: Failed password for root from {_ipv4(r)} port 52144"),
    Form("us passport", "PII002", lambda r: f"passport number: {r.randint(100000000, 999999999)}", prose=True),
    Form("uk driving licence", "PII002", lambda r: f"driving licence no. MORGA{r.randint(100000, 999999)}SM9IJ", prose=True),
    Form("chinese resident id", "PII002", lambda r: f"我的身份证号是{_cn_id(r)}，请核对"),
    Form("brazil cpf", "PII002", lambda r: f"meu CPF: {_cpf(r)}"),
    Form("brazil cpf bare", "PII002", lambda r: f"CPF {_cpf(r).replace('.', '').replace('-', '')}"),
    Form("india aadhaar", "PII002", lambda r: f"my Aadhaar number is {_verhoeff_complete(r)}"),
    Form("uk nhs number", "PII002", lambda r: f"NHS number: {_nhs(r)}"),
    Form("canada sin", "PII002", lambda r: (lambda d: f"my SIN is {d[:3]} {d[3:6]} {d[6:]}")(_luhn_complete(r.choice("1234567"), 9, r))),
    Form("email (company first name)", "PII002", lambda r: f"my work address is {_name(r)[0]}@lindqvist-bau.de", prose=True),
]  # fmt: skip


CONTROLS: list[Form] = [
    Form("placeholder sk-...", "", lambda r: "OPENAI_API_KEY=sk-... (paste your key here)"),
    Form("placeholder YOUR_API_KEY", "", lambda r: "headers = {\"Authorization\": \"Bearer YOUR_API_KEY\"}"),
    Form("placeholder <token>", "", lambda r: "curl -H \"Authorization: Bearer <token>\" https://api.example.com/v1/items"),
    Form("placeholder xxxx", "", lambda r: "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    Form("placeholder env var", "", lambda r: "export STRIPE_KEY=$STRIPE_SECRET_KEY\npassword: ${DB_PASSWORD}"),
    Form("aws documented example", "", lambda r: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    Form("sha256 hex", "", lambda r: f"sha256sum: {hashlib.sha256(r.randbytes(16)).hexdigest()}  model.safetensors"),
    Form("md5 hex", "", lambda r: f"md5 = \"{hashlib.md5(r.randbytes(16)).hexdigest()}\""),
    Form("git sha", "", lambda r: f"git checkout {hashlib.sha1(r.randbytes(16)).hexdigest()}"),
    Form("docker digest", "", lambda r: f"image: python@sha256:{hashlib.sha256(r.randbytes(8)).hexdigest()}"),
    Form("npm integrity", "", lambda r: f"\"integrity\": \"sha512-{base64.b64encode(hashlib.sha512(r.randbytes(8)).digest()).decode()}\""),
    Form("uuid", "", lambda r: f"request_id = \"{uuid.UUID(int=r.getrandbits(128))}\""),
    Form("uuid api key name", "", lambda r: f"\"session_id\": \"{uuid.UUID(int=r.getrandbits(128))}\""),
    Form("base64 image", "", lambda r: f"<img src=\"data:image/png;base64,{b64(r, 120)}\">"),
    Form("example.com email", "", lambda r: "send it to jane.smith@example.com or test@example.org", prose=True),
    Form("noreply and support email", "", lambda r: "replies go to noreply@github.com; write to support@stripe.com", prose=True),
    Form("test card", "", lambda r: "use the test card 4242 4242 4242 4242 with any future date", prose=True),
    Form("version numbers", "", lambda r: "upgrade from 10.0.19041.1 to 10.0.22631.2861 (build 22631)", prose=True),
    Form("dates and times", "", lambda r: "between 2023-10-12 14:30:00 and 12/10/2023 09:15", prose=True),
    Form("isbn", "", lambda r: "ISBN 978-0-306-40615-7 and ISBN-13 9780306406157", prose=True),
    Form("order number", "", lambda r: f"your order number is {r.randint(10**9, 10**10)} and tracking 1Z999AA10123456784", prose=True),
    Form("private ips", "", lambda r: "the server listens on 192.168.1.20 and 10.0.0.5, DNS 8.8.8.8", prose=True),
    Form("documentation ipv6", "", lambda r: "ping6 2001:db8::1 or ::1 on the loopback", prose=True),
    Form("cpp scope", "", lambda r: "std::vector<int> v; std::chrono::seconds s; a::b::c::d();"),
    Form("mac address and time", "", lambda r: "MAC 00:1A:2B:3C:4D:5E at 12:30:45", prose=True),
    Form("localhost db url", "", lambda r: "DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev"),
    Form("bcrypt hash", "", lambda r: "stored hash: $2b$12$" + draw(r, B62 + "./", 53)),
    Form("publishable stripe key", "", lambda r: f"Stripe('pk_live_{draw(r, B62, 24)}')"),
    Form("redacted key", "", lambda r: "sk-proj-****************************abcd (redacted)"),
    Form("password prose no value", "", lambda r: "the password is incorrect, reset it from the login page", prose=True),
    Form("hex colour and css", "", lambda r: "color: #1a2b3c; background: #ffffff; --accent: #ff5722;"),
    Form("math and timestamps", "", lambda r: f"epoch {r.randint(1_600_000_000, 1_800_000_000)} ms, pi ≈ 3.14159265358979", prose=True),
    Form("api key name only", "", lambda r: "api_key = os.environ[\"API_KEY\"]\ntoken = get_token()"),
    Form("pagination and token type", "", lambda r: f"{{\"next_page_token\": \"{draw(r, B62, 40)}\", \"token_type\": \"Bearer\", \"max_tokens\": 1024}}"),
    Form("tokenizer tokens", "", lambda r: "{\"pad_token\": \"<pad>\", \"eos_token\": \"</s>\", \"bos_token_id\": 1}"),
    Form("secret name and hash", "", lambda r: f"secret_name = \"prod/db\"\npassword_hash = \"{hashlib.sha256(r.randbytes(8)).hexdigest()}\""),
    Form("settings reference", "", lambda r: "SECRET_KEY = get_random_secret_key()\napi_key: str = Field(..., env=\"API_KEY\")\ntoken = settings.GITHUB_TOKEN"),
    Form("placeholder access token", "", lambda r: "\"access_token\": \"ACCESS_TOKEN_GOES_HERE\", \"client_secret\": \"<client-secret>\""),
    Form("url placeholder credentials", "", lambda r: "https://user:pass@host.com/path or https://username:password@proxy:8080 or ${USER}:${PASS}@host"),
    Form("curl env credentials", "", lambda r: "curl -u $USER:$API_TOKEN https://api.example.com/items"),
    Form("basic auth docs examples", "", lambda r: "Authorization: Basic dXNlcjpwYXNzd29yZA== (user:password), RFC 7617: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
    Form("sas placeholder", "", lambda r: "https://account.blob.core.windows.net/c/b?sv=2022-11-02&sig=<signature>"),
    Form("ipv6 cidr and link-local", "", lambda r: "allow 2600:1f18::/32, fe80::1ff:fe23:4567:890a%eth0, and ::ffff:192.0.2.1", prose=True),
    Form("exif timestamp", "", lambda r: "DateTimeOriginal 2023:10:12 14:30:45, offset 2024:01:01", prose=True),
    Form("cli password prompts", "", lambda r: "mysql -u root -p shop_production\ndocker login -u ci --password-stdin registry.io\nsshpass -p \"$SSH_PASS\" ssh host"),
    Form("xml password placeholders", "", lambda r: "<password>${db.password}</password> <password>changeit</password>"),
    Form("video and search urls", "", lambda r: f"https://www.youtube.com/watch?v={draw(r, B62, 11)}&list={draw(r, B62 + '_-', 34)} and ?page_token=abc"),
    Form("pass as a word", "", lambda r: "pass: 12 of 14 tests; compass: N45; bypass = True; Pass 3/5", prose=True),
    Form("go token call", "", lambda r: "token := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)\nsecret = hmac.new(key256, msg, hashlib.sha256)"),
    Form("long numbers without an id's name", "", lambda r: f"订单号 {_cn_id(r)}；tracking {_verhoeff_complete(r).replace(' ', '')}; ref {_nhs(r)}; id {_cpf(r).replace('.', '').replace('-', '')}"),
    Form("cpf-shaped bad check digits", "", lambda r: "código 123.456.789-00 e 111.111.111-11", prose=True),
    Form("snake-case names as values", "", lambda r: "token = user_session_token_v2\napi_key: cfg.payments_api_key2\nsecret = vault_secret_name_3"),
    Form("api key prose without value", "", lambda r: "the API key is stored in the vault; the access token expires in 3600 seconds", prose=True),
    Form("a business's licence number", "", lambda r: f"a record label with license number {r.randint(100000, 999999)} signs the artist", prose=True),
    Form("passport words", "", lambda r: "passport number format: 9 digits; see form DS-11 and licence no. on the card", prose=True),
    Form("password prose word", "", lambda r: "mein Passwort ist abgelaufen; mi contraseña es demasiado corta; 我的密码是什么", prose=True),
    Form("desk mailboxes named by their subject", "", lambda r: "lost luggage: mybaggage@skyair-eg.com; contest entries to games@wiener-blatt.at", prose=True),
]  # fmt: skip
