"""scripts/k8s-sweep.yaml as Kubernetes and capsim would take it.

kubectl cannot check a manifest without an API server (client dry-run still asks the server
for its API groups), so the manifest is checked here against the batch/v1 Job schema's fields
(Kubernetes API reference, Job v1 batch, 1.28: JobSpec, PodTemplateSpec, PodSpec, Container,
Volume), with their types; then its commands are run for real: every shard's command with its
JOB_COMPLETION_INDEX, then the merge's, on this machine, and the merged runs.csv must be the
bytes of a one-machine sweep.

usage: k8s_manifest_test.py CAPSIM_BINARY SOURCE_DIR
"""
import filecmp
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

# Field name -> type, or a nested schema (dict), or [schema] for a list of such objects.
CONTAINER = {
    "name": str, "image": str, "command": [str], "args": [str], "workingDir": str,
    "env": [{"name": str, "value": str}],
    # Quantities are an int or a string ("4", 4, "16Gi").
    "resources": {"requests": {"cpu": (str, int), "memory": (str, int)},
                  "limits": {"cpu": (str, int), "memory": (str, int)}},
    "volumeMounts": [{"name": str, "mountPath": str, "readOnly": bool, "subPath": str}],
    "imagePullPolicy": str,
}
VOLUME = {"name": str, "persistentVolumeClaim": {"claimName": str, "readOnly": bool},
          "emptyDir": {"medium": str, "sizeLimit": str}}
POD_SPEC = {"restartPolicy": str, "containers": [CONTAINER], "volumes": [VOLUME],
            "nodeSelector": {}, "serviceAccountName": str}
JOB = {
    "apiVersion": str, "kind": str,
    "metadata": {"name": str, "namespace": str, "labels": {}},
    "spec": {
        "activeDeadlineSeconds": int, "backoffLimit": int, "backoffLimitPerIndex": int,
        "completionMode": str, "completions": int, "manualSelector": bool,
        "maxFailedIndexes": int, "parallelism": int, "suspend": bool,
        "ttlSecondsAfterFinished": int,
        "template": {"metadata": {"labels": {}}, "spec": POD_SPEC},
    },
}


def check(value, schema, path, problems):
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping, found {value!r}")
            return
        if not schema:  # free-form map (labels, nodeSelector)
            return
        for key, item in value.items():
            if key not in schema:
                problems.append(f"{path}.{key}: not a field of this object")
            else:
                check(item, schema[key], f"{path}.{key}", problems)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, found {value!r}")
            return
        for index, item in enumerate(value):
            check(item, schema[0], f"{path}[{index}]", problems)
    elif not isinstance(value, schema) or (schema is int and isinstance(value, bool)):
        names = " or ".join(t.__name__ for t in (schema if isinstance(schema, tuple) else (schema,)))
        problems.append(f"{path}: expected {names}, found {value!r}")


def main():
    capsim, source = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    documents = list(yaml.safe_load_all((source / "scripts/k8s-sweep.yaml").read_text()))
    assert len(documents) == 2, "the shards' Job and the merge's Job"
    problems = []
    for number, job in enumerate(documents):
        check(job, JOB, f"document {number + 1}", problems)
        assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job"
        assert job["spec"]["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")
    shards_job, merge_job = documents
    spec = shards_job["spec"]
    assert spec["completionMode"] == "Indexed"
    shards = spec["completions"]
    assert spec["parallelism"] <= shards
    assert problems == [], "\n".join(problems)

    # The commands, run here: /work is the repository, /sweeps a scratch folder.
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        (scratch / "bin").mkdir()
        (scratch / "bin/capsim").symlink_to(capsim)
        environment = dict(os.environ, PATH=f"{scratch / 'bin'}:{os.environ['PATH']}")

        def shell(job, extra_environment):
            script = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
            # Paths as the pod sees them, where they start a word: /sweeps/..., /work/...
            script = re.sub(r"(?<![\w/])/sweeps/", f"{scratch}/", script)
            script = re.sub(r"(?<![\w/])/work/", f"{source}/", script)
            command = job["spec"]["template"]["spec"]["containers"][0]["command"]
            subprocess.run(command + [script], check=True, stdout=subprocess.DEVNULL,
                           env=dict(environment, **extra_environment))

        for index in range(shards):
            shell(shards_job, {"JOB_COMPLETION_INDEX": str(index)})
        shell(merge_job, {})
        subprocess.run([str(capsim), "sweep", f"{source}/scenarios/sweeps/meta-budget.yaml",
                        "--out", str(scratch / "whole"), "-j", "2", "--no-report"],
                       check=True, stdout=subprocess.DEVNULL)
        for name in ("runs.csv", "runs_summary.csv"):
            assert filecmp.cmp(scratch / "meta" / name, scratch / "whole" / name, shallow=False), name
    print(f"k8s-sweep.yaml: 2 Jobs valid against batch/v1's fields; {shards} shard commands and "
          "the merge give the one-machine runs.csv")


if __name__ == "__main__":
    main()
