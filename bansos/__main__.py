import sys

from bansos.cli import main

sys.exit(main())
