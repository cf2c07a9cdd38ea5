"""`python -m tracks` is the same as the `tracks` command."""

from tracks.cli import main

main()
