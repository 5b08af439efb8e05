"""`python -m quizapp` runs the CLI."""

from quizapp.cli import main

main(prog_name="quizapp")
