"""scripts/k8s-sweep.yaml, the Kubernetes Indexed Job of a sweep, without a cluster.

`kubectl apply --dry-run=client` cannot check it here: it asks the API server for the schema
("failed to download openapi ... connection refused") and CI has no server. So every key of
every document is checked against the Kubernetes API's own types, the models of Debian's
python3-kubernetes (22.6: the API of Kubernetes 1.22, which has Indexed Jobs and
JOB_COMPLETION_INDEX): an unknown key, a value of the wrong type or a missing required key is
refused with its path. Then each pod's command runs here, once per completion index, and the
merge's after them: the merged files must be the bytes of a one-machine `capsim sweep`.

Run by ctest `k8s_sweep_manifest`, which sets $CAPSIM_BINARY; by hand:
CAPSIM_BINARY=build/release/capsim /usr/bin/python3 -m pytest tests/scripts/k8s_manifest_test.py
"""

import copy
import filecmp
import os
import re
import subprocess

import kubernetes.client
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
MANIFEST = os.path.join(SOURCE, "scripts", "k8s-sweep.yaml")
# Where the manifest's comment says the image holds the repository.
IMAGE_REPOSITORY = "/opt/capsim"
API_VERSIONS = {("v1", "ConfigMap"), ("batch/v1", "Job")}
SCALARS = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def model_problems(value, type_name, path):
    """What in `value` the API type `type_name` (a python3-kubernetes openapi_types name)
    refuses, one "path: expected ..., found ..." line each."""
    if type_name.startswith("list["):
        if not isinstance(value, list):
            return ["%s: expected a list, found %r" % (path, value)]
        return [problem for i, item in enumerate(value)
                for problem in model_problems(item, type_name[5:-1], "%s[%d]" % (path, i))]
    if type_name.startswith("dict("):
        if not isinstance(value, dict):
            return ["%s: expected a mapping, found %r" % (path, value)]
        item_type = type_name[5:-1].split(", ", 1)[1]
        return [problem for key, item in value.items()
                for problem in model_problems(item, item_type, "%s.%s" % (path, key))]
    if type_name == "object":  # IntOrString and the like: any scalar
        return []
    if type_name in SCALARS:
        # YAML's true is no int here, and 4 is no string ("4" is).
        if isinstance(value, bool) != (type_name == "bool") or \
                not isinstance(value, SCALARS[type_name]):
            return ["%s: expected %s, found %r" % (path, type_name, value)]
        return []
    return object_problems(value, getattr(kubernetes.client, type_name), path)


def object_problems(value, model, path):
    if not isinstance(value, dict):
        return ["%s: expected a %s mapping, found %r" % (path, model.__name__, value)]
    attribute_of = {key: attribute for attribute, key in model.attribute_map.items()}
    problems = []
    for key, item in value.items():
        if key not in attribute_of:
            problems.append("%s.%s: unknown key '%s' in %s; expected one of: %s" % (
                path, key, key, model.__name__, ", ".join(sorted(attribute_of))))
            continue
        problems += model_problems(item, model.openapi_types[attribute_of[key]],
                                   "%s.%s" % (path, key))
    # The model's constructor refuses a required key left out.
    try:
        model(**{attribute_of[key]: item for key, item in value.items() if key in attribute_of})
    except ValueError as error:
        problems.append("%s: %s" % (path, error))
    return problems


def document_problems(document, index):
    path = "document %d" % index
    kind = (document.get("apiVersion"), document.get("kind"))
    if kind not in API_VERSIONS:
        return ["%s: expected apiVersion and kind among %s, found %s" % (
            path, sorted(API_VERSIONS), kind)]
    return object_problems(document, getattr(kubernetes.client, "V1" + kind[1]), path)


def load_manifest():
    with open(MANIFEST) as f:
        return list(yaml.safe_load_all(f))


def by_name(documents):
    return {d["metadata"]["name"]: d for d in documents}


def test_every_key_is_of_the_kubernetes_api():
    documents = load_manifest()
    assert [d["kind"] for d in documents] == ["ConfigMap", "Job", "Job"]
    assert [p for i, d in enumerate(documents) for p in document_problems(d, i)] == []


@pytest.mark.parametrize("edit, problem", [
    (lambda job: job["spec"].update(completionsMode="Indexed"),
     "document 1.spec.completionsMode: unknown key 'completionsMode' in V1JobSpec; expected "
     "one of: activeDeadlineSeconds, backoffLimit, completionMode, completions, manualSelector, "
     "parallelism, selector, suspend, template, ttlSecondsAfterFinished"),
    (lambda job: job["spec"].update(completions="4"),
     "document 1.spec.completions: expected int, found '4'"),
    (lambda job: job["spec"]["template"]["spec"].pop("containers"),
     "document 1.spec.template.spec: Invalid value for `containers`, must not be `None`"),
    (lambda job: job["spec"]["template"]["spec"]["containers"][0].update(args="sweep"),
     "document 1.spec.template.spec.containers[0].args: expected a list, found 'sweep'"),
])
def test_the_check_refuses_what_kubernetes_refuses(edit, problem):
    job = copy.deepcopy(load_manifest()[1])
    edit(job)
    assert document_problems(job, 1) == [problem]


def test_the_shards_are_one_indexed_job_of_shards_completions():
    documents = by_name(load_manifest())
    settings = documents["capsim-sweep"]["data"]
    shards = documents["capsim-sweep-shards"]["spec"]
    assert shards["completionMode"] == "Indexed"
    assert shards["completions"] == shards["parallelism"] == int(settings["SHARDS"]) == 4
    # `kubectl apply -l capsim.step=shards` applies the settings with the shards.
    steps = {name: d["metadata"]["labels"]["capsim.step"] for name, d in documents.items()}
    assert steps == {"capsim-sweep": "shards", "capsim-sweep-shards": "shards",
                     "capsim-sweep-merge": "merge"}
    for name in ("capsim-sweep-shards", "capsim-sweep-merge"):
        pod = documents[name]["spec"]["template"]["spec"]
        assert pod["restartPolicy"] == "Never"
        assert pod["containers"][0]["envFrom"] == [{"configMapRef": {"name": "capsim-sweep"}}]


def pod_command(job):
    """The container's command line and the folder its volume is mounted at."""
    container = job["spec"]["template"]["spec"]["containers"][0]
    return container["command"] + container["args"], container["volumeMounts"][0]["mountPath"]


def run_pod(job, settings, volume, extra_environment):
    """Runs the pod's command here: capsim on PATH, the image's repository this checkout's, the
    volume a local folder."""
    command, mount = pod_command(job)
    local = {IMAGE_REPOSITORY: SOURCE, mount: volume}
    environment = {"PATH": os.path.dirname(os.path.abspath(os.environ["CAPSIM_BINARY"])) +
                   ":/usr/bin:/bin"}
    for key, value in settings.items():
        environment[key] = re.sub("^(%s)" % "|".join(map(re.escape, local)),
                                  lambda m: local[m.group(1)], value)
    environment.update(extra_environment)
    result = subprocess.run(command, env=environment, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr


def test_one_shard_per_completion_index_then_the_merge_give_one_machines_bytes(tmp_path):
    documents = by_name(load_manifest())
    settings = documents["capsim-sweep"]["data"]
    shards = documents["capsim-sweep-shards"]
    volume = str(tmp_path / "volume")
    for index in range(shards["spec"]["completions"]):
        run_pod(shards, settings, volume, {"JOB_COMPLETION_INDEX": str(index)})
    run_pod(documents["capsim-sweep-merge"], settings, volume, {})

    out = os.path.join(volume, "meta-budget")
    assert sorted(os.listdir(out)) == ["manifest.yaml", "report.html", "runs.csv",
                                       "runs_summary.csv", "shard-1", "shard-2", "shard-3",
                                       "shard-4"]
    # Index i ran shard i + 1 of 4.
    for shard in range(1, 5):
        with open(os.path.join(out, "shard-%d" % shard, "manifest.yaml")) as f:
            assert 'shard: "%d/4"' % shard in f.read().splitlines()
    whole = str(tmp_path / "whole")
    subprocess.run([os.environ["CAPSIM_BINARY"], "sweep",
                    os.path.join(SOURCE, "scenarios", "sweeps", "meta-budget.yaml"),
                    "--out", whole, "-j", "2"], check=True, capture_output=True, timeout=300)
    for name in ("runs.csv", "runs_summary.csv", "report.html", "manifest.yaml"):
        assert filecmp.cmp(os.path.join(out, name), os.path.join(whole, name), shallow=False), name
