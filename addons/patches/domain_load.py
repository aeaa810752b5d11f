"""The trained model's domain read once, as Rasa wrote it.

DomainProvider.load reads the model's domain.yml through Domain.from_directory:
once to see that it is a domain, twice to check it against Rasa's schema
(pykwalify), once to load it and once more to merge it with nothing. For this
domain that took about 20 s of every Rasa server start. The file holds one
domain that Rasa wrote itself from a domain checked when the model was trained,
so it is read once, without the check: the same Domain (from_directory's merge
of a single file returns that file's data).
"""

from typing import Any, Dict

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.graph_components.providers.domain_provider import DomainProvider
from rasa.shared.core.domain import Domain
from rasa.shared.utils.io import read_file, read_yaml

DOMAIN_FILE = "domain.yml"  # the name DomainProvider._persist writes


def load_domain_provider(
    cls: type,
    config: Dict[str, Any],
    model_storage: ModelStorage,
    resource: Resource,
    execution_context: ExecutionContext,
    **kwargs: Any,
) -> DomainProvider:
    with model_storage.read_from(resource) as directory:
        domain = Domain.from_dict(read_yaml(read_file(directory / DOMAIN_FILE)))
    provider: DomainProvider = cls(model_storage, resource, domain)
    return provider


def install() -> None:
    DomainProvider.load = classmethod(load_domain_provider)
