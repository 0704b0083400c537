"""The `belegfluss` command: the same batch jobs as the API, on files, for ops teams and replays."""
