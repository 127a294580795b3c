# KI.M Netzwerk: the two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
# The test server is separate from a developer's `make neo4j`, so tests never touch dev data.
TEST_NEO4J_HOME ?= .neo4j-test
TEST_NEO4J_BOLT ?= 7690
TEST_NEO4J_HTTP ?= 7480
TEST_NEO4J_PASSWORD ?= kim-test-password
NEO4J_TEST_ENV := KIM_NEO4J_HOME=$(TEST_NEO4J_HOME) NEO4J_BOLT_PORT=$(TEST_NEO4J_BOLT) \
	NEO4J_HTTP_PORT=$(TEST_NEO4J_HTTP) NEO4J_PASSWORD=$(TEST_NEO4J_PASSWORD)

.PHONY: run test lint venv migrate import-cordis seed neo4j neo4j-stop neo4j-test-stop translations bench evaluate clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

## make run: the platform on the embedded SQLite store with demo data, http://127.0.0.1:$(PORT)
# Mail links point to KIM_BASE_URL; for the demo, this very server unless set otherwise.
KIM_BASE_URL ?= http://127.0.0.1:$(PORT)
run: venv
	KIM_DEMO=1 $(PY) -m flask --app app kim migrate
	KIM_DEMO=1 $(PY) -m flask --app app kim seed-demo
	KIM_DEMO=1 KIM_BASE_URL=$(KIM_BASE_URL) $(PY) -m flask --app app run --host 127.0.0.1 --port $(PORT)

migrate: venv
	$(PY) -m flask --app app kim migrate

## make import-cordis: the CORDIS Horizon Europe data into the configured store (SQLite in
## $$KIM_DATA_DIR or instance/, Neo4j when NEO4J_URI is set); applies missing migrations first.
## CORDIS_DIR=... overrides the folder (default $$KIM_CORDIS_DIR or ../shared/data/...).
## Then publishes the matching projection and analytics files, so the first request after a
## server start never waits for a build.
import-cordis: venv
	$(PY) -m flask --app app kim import-cordis $(CORDIS_DIR)
	$(PY) -m flask --app app kim build-projection

# Decorated views, commands and fixtures are used by their frameworks; the ignored names are
# pytest fixtures requested for their side effect and parametrisation ids.
VULTURE_ARGS := --min-confidence 60 --ignore-names create_app,browser_available,fast_password_hashing,case_id,probe,pytestmark \
	--ignore-decorators @*.get,@*.post,@*.route,@*.endpoint,@*.command,@*.app_template_global,@*.app_template_filter,@*.before_request,@*.after_request,@*.context_processor,@*.errorhandler,@pytest.fixture,@property

## make lint: the layering contracts (.importlinter) and no dead code (vulture, scripts/vulture_whitelist.py)
lint: venv
	PYTHONPATH=. $(VENV)/bin/lint-imports
	$(VENV)/bin/vulture kim_network scripts tests app.py $(VULTURE_ARGS)

## make test: lint, a local Neo4j when Java and Maven exist (REQUIRE_NEO4J=1: required), pytest on both stores
test: venv lint
	@if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then \
		$(NEO4J_TEST_ENV) scripts/neo4j_local.sh start || { [ "$$REQUIRE_NEO4J" != 1 ] || exit 1; }; \
	elif [ "$$REQUIRE_NEO4J" = 1 ]; then \
		echo "REQUIRE_NEO4J=1 but Java 17 and Maven are needed to start Neo4j" >&2; exit 1; \
	else echo "no Java/Maven: the Neo4j half of the contract suite is skipped"; fi
	NEO4J_TEST_URI=bolt://127.0.0.1:$(TEST_NEO4J_BOLT) NEO4J_TEST_PASSWORD=$(TEST_NEO4J_PASSWORD) \
		$(PY) -m pytest $(PYTEST_ARGS)

## make neo4j: a local Neo4j 5.26 for development on bolt://127.0.0.1:7687
neo4j:
	scripts/neo4j_local.sh start

neo4j-stop:
	scripts/neo4j_local.sh stop

neo4j-test-stop:
	$(NEO4J_TEST_ENV) scripts/neo4j_local.sh stop

## make translations: extract, update and compile the catalogues; lists German gaps
translations: venv
	$(PY) -m kim_network.web.i18n_tools

clean:
	rm -rf $(VENV) instance .pytest_cache
