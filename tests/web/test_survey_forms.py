"""Every instrument that can be administered renders as kiosk pages in English and Spanish."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from toolkit.instruments import default_registry
from toolkit.store.errors import TamperedInputError
from toolkit.web.survey_forms import check_untampered
from toolkit.web.survey_forms import page_form_class
from toolkit.web.survey_forms import value_text

ADMINISTRABLE = [i.id for i in default_registry() if i.administrable]


@pytest.mark.parametrize("instrument_id", ADMINISTRABLE)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_instrument_builds_a_form_with_its_wording(app, instrument_id, lang):
    inst = default_registry().get(instrument_id)
    with app.test_request_context():
        form_class, questions = page_form_class(inst, tuple(i.id for i in inst.items), lang)
        form = form_class(formdata=None)
    assert [q.item_id for q in questions] == [i.id for i in inst.items]
    for item, q in zip(inst.items, questions, strict=True):
        assert q.text == item.text[lang]
        if q.kind == "choice":
            values = [c.value for c in form[item.id].choices]
            scale = inst.response_scales[item.scale]
            assert values[: len(scale.options)] == [value_text(o.value) for o in scale.options]


def test_value_text_is_canonical():
    assert value_text(2.0) == "2" and value_text(0) == "0" and value_text(2.5) == "2.5"


def test_untampered_check_refuses_a_second_value_for_one_question():
    inst = default_registry().get("phq9")
    data = MultiDict([("phq9_1", "1"), ("phq9_1", "2")])
    with pytest.raises(TamperedInputError, match="more than one"):
        check_untampered(data, inst, ["phq9_1"])
