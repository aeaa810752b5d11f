"""The trained model's domain, read once at start-up, is the domain Rasa would read."""

from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.graph_components.providers.domain_provider import DomainProvider
from rasa.shared.core.domain import Domain

from addons.patches.domain_load import load_domain_provider

DOMAIN = """
version: "3.1"
intents: [affirm, deny]
entities: [substance]
slots:
  language:
    type: categorical
    values: [en, es]
    mappings: [{type: custom}]
responses:
  utter_ask_twitching:
  - text: "Do you have twitching?"
    buttons: [{title: "Yes", payload: /affirm}, {title: "No", payload: /deny}]
  - text: "¿Tiene espasmos? Sí / No"
    condition: [{type: slot, name: language, value: es}]
  utter_no:
  - text: "no"
forms:
  screening_form:
    required_slots: [language]
session_config: {session_expiration_time: 0, carry_over_slots_to_new_session: false}
"""


def test_the_persisted_domain_reads_back_as_rasa_reads_it(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("domain_provider")
    context = ExecutionContext(GraphSchema({}), "model")
    original = Domain.from_yaml(DOMAIN)
    DomainProvider.create({}, storage, resource, context)._persist(original)

    provider = load_domain_provider(DomainProvider, {}, storage, resource, context)

    with storage.read_from(resource) as directory:
        as_rasa_reads_it = Domain.from_path(directory)
    assert provider.provide_inference().as_dict() == as_rasa_reads_it.as_dict()
    assert provider.provide_inference().fingerprint() == original.fingerprint()
    assert provider.provide_inference().responses["utter_no"] == [{"text": "no"}]
