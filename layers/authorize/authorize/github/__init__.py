"""GitHub's side of the wire: credentials and bodies in, views, pagination and error bodies out.

Everything that knows GitHub's formats (header schemes, JSON field errors, documentation URLs,
``X-GitHub-OTP``) lives here, so the domain and the use cases never do.
"""
