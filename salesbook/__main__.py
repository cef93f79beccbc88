import sys

from salesbook.cli import main

sys.exit(main())
