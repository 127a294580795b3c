"""The background warm-up after a server start prepares what the first requests would wait for."""
import threading

from kim_network.matching import ltr_model


def test_warm_up_loads_the_ranker_models_with_their_treeshap_tables(app):
    from kim_network.extensions import start_warm_up

    ltr_model.load_model.cache_clear()  # as in a fresh worker process
    app.testing, app.config["WARM_UP"] = False, True
    try:
        with app.app_context():
            start_warm_up(app)
        for thread in threading.enumerate():
            if thread.name == "kim-warm-up":
                thread.join(timeout=120)
    finally:
        app.testing = True
    for task in ltr_model.TASKS:
        model = ltr_model.load_model(task)
        assert model is not None and "shap" in model.__dict__ and model.shap is not None, task
