# The two commands of the README:
#   make run    the main job
#   make test   every test of every module in go.work
.PHONY: test run

test:
	./scripts/test

run:
	./scripts/demo
