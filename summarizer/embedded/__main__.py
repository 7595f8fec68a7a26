"""`python -m summarizer.embedded`: run the embedded server's child process (see `child.main`)."""

import sys

from summarizer.embedded.child import main

sys.exit(main())
