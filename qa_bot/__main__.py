"""`python -m qa_bot` is the same as the `qa-bot` command."""

import sys

from qa_bot.cli import main

sys.exit(main())
