"""The API's routes, grouped as GitHub's documentation groups them: one Powertools ``Router`` each."""
