"""``github_http.header`` reads the event's headers as Powertools' case-insensitive ``event.headers``
would, spelling variants and duplicates included, without building that dict per lookup."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from github_http import header

HEADERS = [
    {"Authorization": "Basic a", "Host": "localhost"},
    {"authorization": "Basic a"},
    {"AUTHORIZATION": "Basic a", "authorization": "Basic b"},
    {"x-github-otp": "123456", "X-GitHub-OTP": "654321"},
    {},
    None,
]


@pytest.mark.parametrize("headers", HEADERS)
@pytest.mark.parametrize("name", ["Authorization", "X-GitHub-OTP", "host", "Missing"])
def test_same_answer_as_powertools(headers, name):
    event = APIGatewayProxyEvent({"headers": headers})
    assert header(event, name) == event.headers.get(name)
