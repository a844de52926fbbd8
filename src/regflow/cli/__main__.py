"""``python -m regflow.cli``: the ``regflow`` command."""

from regflow.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
