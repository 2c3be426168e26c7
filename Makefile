# The two commands of the README:
#   make run    the main job: a demo of imapkit on its embedded in-memory
#               server (Go only: no root, no package); make run
#               SERVER=dovecot runs it against the project's Dovecot
#   make test   every test of every module in go.work
.PHONY: test run

test:
	./scripts/test

run:
	./scripts/demo
