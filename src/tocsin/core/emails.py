"""One spelling of an email address per person, used by every app that stores one."""

# Providers that deliver a.b+c@ to ab@: the same person, so the same row.
IGNORES_DOTS = {"gmail.com", "googlemail.com"}
IGNORES_PLUS_TAGS = IGNORES_DOTS | {
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "fastmail.com",
    "proton.me",
    "protonmail.com",
}
MAX_LENGTH = 254


def normalize_email(email: str) -> str:
    """Lower case, the domain in its ASCII (IDNA) form, and the provider's own equivalences.

    The domain is encoded rather than lower-cased as Unicode: lower-casing some letters
    (such as "İ") makes more characters than it was given, and a valid address could then
    outgrow the column that stores it.
    """
    local, _, domain = email.strip().rpartition("@")
    domain = _ascii_domain(domain)
    local = local.lower()
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in IGNORES_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in IGNORES_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def _ascii_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return domain.lower()


def fits(email: str) -> bool:
    """Whether the normalised address fits the columns that store addresses."""
    return len(normalize_email(email)) <= MAX_LENGTH
