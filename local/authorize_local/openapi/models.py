"""Response models: the shapes ``authorization_view``, ``simple_user``, ``grant_view`` and
``github.errors.to_github`` emit. They document responses and never build or validate one; Powertools
turns them into ``components/schemas`` when the document is built."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from authorize.github.docs import DOCS_V3
from authorize.github.errors import RESOURCE
from authorize.github.views import FREE_PLAN, simple_user
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from .components import LOCAL_SERVER


class _Doc(BaseModel):
    model_config = ConfigDict(defer_build=True)  # schemas are built when a document is, not on import


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _omittable(description: str, **kwargs: Any) -> Any:
    """A key that is absent (never ``null``) when it does not apply."""
    return Field(default=None, description=description, json_schema_extra=_drop_default, **kwargs)


Timestamp = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
        json_schema_extra={"format": "date-time"},
        examples=["2026-01-05T10:00:00Z"],
    ),
]


# Whole-object examples (as the local server would answer), so that no optional key shows up in them.
_BASE = LOCAL_SERVER
_APP_EXAMPLE: dict[str, Any] = {
    "name": "my github app",
    "url": "http://my-github-app.com",
    "client_id": "abcde12345fghij67890",
}
_AUTHORIZATION_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "url": f"{_BASE}/authorizations/1",
    "app": _APP_EXAMPLE,
    "token": "",
    "hashed_token": "25f94a2a5c7fbaf499c665bc73d67c1c87e496da8985131633ee0a95819db2e8",
    "token_last_eight": "12345678",
    "note": "admin script",
    "note_url": None,
    "created_at": "2026-01-05T10:00:00Z",
    "updated_at": "2026-01-05T10:00:00Z",
    "scopes": ["public_repo"],
    "fingerprint": None,
}
_USER_EXAMPLE = simple_user(1, "monalisa", _BASE)


class App(_Doc):
    """The OAuth app an authorization belongs to. A personal access token (no app) shows its note as
    ``name``, the API documentation as ``url`` and twenty zeros as ``client_id``."""

    name: str = Field(examples=["my github app"])
    url: str = Field(examples=["http://my-github-app.com"])
    client_id: str = Field(examples=["abcde12345fghij67890"])


class Authorization(_Doc):
    """An OAuth authorization. Keys with no value are ``null``, never omitted."""

    model_config = ConfigDict(json_schema_extra={"examples": [_AUTHORIZATION_EXAMPLE]})

    id: int = Field(ge=1, examples=[1])
    url: str = Field(description="`{base}/authorizations/{id}`", examples=[f"{_BASE}/authorizations/1"])
    app: App
    token: str = Field(
        description=(
            "The plaintext token, only in a 201 from PUT or POST, in a reset (the new token) and in a check "
            '(the token sent). `""` everywhere else: only its hash is stored.'
        ),
        examples=[""],
    )
    hashed_token: str = Field(
        pattern="^[0-9a-f]{64}$",
        description="SHA-256 of the token, lowercase hex.",
        examples=["25f94a2a5c7fbaf499c665bc73d67c1c87e496da8985131633ee0a95819db2e8"],
    )
    token_last_eight: str = Field(examples=["12345678"])
    note: str | None = Field(examples=["optional note"])
    note_url: str | None = Field(examples=["http://optional/note/url"])
    created_at: Timestamp
    updated_at: Timestamp
    scopes: list[str] = Field(
        description="The stored, normalized scopes; `[]` is no scope.", examples=[["public_repo"]]
    )
    fingerprint: str | None = Field(examples=[None])
    expires_at: Timestamp | SkipJsonSchema[None] = _omittable(
        "Only for tokens of an app configured with a token lifetime (not part of GitHub's API)."
    )


class SimpleUser(_Doc):
    """GitHub's simple-user shape."""

    model_config = ConfigDict(json_schema_extra={"examples": [_USER_EXAMPLE]})

    login: str = Field(examples=["monalisa"])
    id: int = Field(examples=[1])
    node_id: str
    avatar_url: str
    gravatar_id: str = Field(examples=[""])
    url: str
    html_url: str
    followers_url: str
    following_url: str
    gists_url: str
    starred_url: str
    subscriptions_url: str
    organizations_url: str
    repos_url: str
    events_url: str
    received_events_url: str
    type: str = Field(examples=["User"])
    site_admin: bool = Field(examples=[False])


_PUBLIC_USER_EXAMPLE: dict[str, Any] = {
    **_USER_EXAMPLE,
    "name": "Mona Lisa",
    "company": None,
    "blog": "",
    "location": None,
    "email": "mona@example.com",
    "hireable": None,
    "bio": None,
    "twitter_username": None,
    "public_repos": 0,
    "public_gists": 0,
    "followers": 0,
    "following": 0,
    "created_at": "2026-01-05T10:00:00Z",
    "updated_at": "2026-01-05T10:00:00Z",
}
_PRIVATE_USER_EXAMPLE: dict[str, Any] = {
    **_PUBLIC_USER_EXAMPLE,
    "private_gists": 0,
    "total_private_repos": 0,
    "owned_private_repos": 0,
    "disk_usage": 0,
    "collaborators": 0,
    "two_factor_authentication": False,
    "plan": FREE_PLAN,
}


class PublicUser(SimpleUser):
    """GitHub's public-user shape: what a token without `user` or `read:user` sees of its owner. Profile
    fields nobody set are `null` (`blog`: `""`); repositories, gists and followers are not kept (0)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PUBLIC_USER_EXAMPLE]})

    name: str | None
    company: str | None
    blog: str | None
    location: str | None
    email: str | None
    hireable: bool | None
    bio: str | None
    twitter_username: str | None
    public_repos: int
    public_gists: int
    followers: int
    following: int
    created_at: Timestamp
    updated_at: Timestamp


class Plan(_Doc):
    """The account's plan: always GitHub's free plan."""

    name: str = Field(examples=["free"])
    space: int
    collaborators: int
    private_repos: int


class PrivateUser(PublicUser):
    """GitHub's private-user shape: what a password, or a token with `user` or `read:user`, sees."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PRIVATE_USER_EXAMPLE]})

    private_gists: int
    total_private_repos: int
    owned_private_repos: int
    disk_usage: int
    collaborators: int
    two_factor_authentication: bool
    plan: Plan


class AuthorizationWithUser(Authorization):
    """An authorization and its owner: the answer of check and reset."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**_AUTHORIZATION_EXAMPLE, "user": _USER_EXAMPLE}]})

    user: SimpleUser


class Grant(_Doc):
    """One per OAuth app the user has authorized; ``scopes`` is the union over that app's tokens."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "url": f"{_BASE}/applications/grants/1",
                    "app": _APP_EXAMPLE,
                    "created_at": "2026-01-05T10:00:00Z",
                    "updated_at": "2026-01-05T10:00:00Z",
                    "scopes": ["public_repo"],
                }
            ]
        }
    )

    id: int = Field(ge=1, examples=[1])
    url: str = Field(description="`{base}/applications/grants/{id}`", examples=[f"{_BASE}/applications/grants/1"])
    app: App
    created_at: Timestamp
    updated_at: Timestamp
    scopes: list[str] = Field(examples=[["public_repo"]])


class FieldError(_Doc):
    """One failed field of a ``Validation Failed`` error."""

    resource: str = Field(examples=[RESOURCE])
    field: str = Field(
        description="The request key; a personal token's `note` is called `description`.", examples=["scopes"]
    )
    code: Literal["missing", "missing_field", "invalid", "already_exists", "custom"]
    message: str | SkipJsonSchema[None] = _omittable("Only with code `custom`.")


class GitHubError(_Doc):
    """Every error body: ``message`` (byte-exact GitHub text), ``errors`` on ``Validation Failed``,
    and ``documentation_url``."""

    message: str = Field(examples=["Not Found"])
    errors: list[FieldError] | list[str] | SkipJsonSchema[None] = _omittable(
        "Only on `Validation Failed`: per-field errors, or (credential revocation) reasons as strings."
    )
    documentation_url: str = Field(examples=[DOCS_V3])
