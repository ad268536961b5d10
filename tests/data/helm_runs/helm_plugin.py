"""A HELM plugin (``helm-run --plugins tests/data/helm_runs/helm_plugin.py``) registering the run spec
``simple1_em``: HELM's own ``Simple1Scenario`` (random digit sequences; the answer is one of their tokens) scored with
HELM's exact-match family, prompted so that HELM's deterministic test client ``simple/model1`` (it answers with the
prompt's last word) answers with the last input token. Everything else (adaptation, requests, metrics, the files
written) is HELM's own code. Used to make the run folders under tests/data/helm_runs/ (see README.md there)."""
from helm.benchmark.adaptation.adapter_spec import ADAPT_GENERATION, AdapterSpec
from helm.benchmark.metrics.common_metric_specs import get_basic_metric_specs
from helm.benchmark.run_spec import RunSpec, run_spec_function
from helm.benchmark.scenarios.scenario import ScenarioSpec


@run_spec_function("simple1_em")
def get_simple1_em_spec(num_input_tokens: str = "5", vocab_size: str = "5", num_train_instances: str = "10",
                        num_test_instances: str = "20", max_tokens: str = "5") -> RunSpec:
    scenario_spec = ScenarioSpec(
        class_name="helm.benchmark.scenarios.simple_scenarios.Simple1Scenario",
        args={"num_input_tokens": int(num_input_tokens), "vocab_size": int(vocab_size),
              "num_train_instances": int(num_train_instances), "num_test_instances": int(num_test_instances)},
    )
    adapter_spec = AdapterSpec(
        method=ADAPT_GENERATION,
        instructions="Name one of the tokens.",
        input_prefix="Tokens: ",
        input_suffix="\n",
        output_prefix="",
        output_suffix="\n",
        max_train_instances=2,
        num_outputs=1,
        num_train_trials=1,
        model="simple/model1",
        model_deployment="simple/model1",
        temperature=0.0,
        max_tokens=int(max_tokens),
        stop_sequences=["\n"],
    )
    return RunSpec(
        name=f"simple1_em:num_input_tokens={num_input_tokens},vocab_size={vocab_size}",
        scenario_spec=scenario_spec,
        adapter_spec=adapter_spec,
        metric_specs=get_basic_metric_specs(
            ["exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match", "f1_score"]),
        groups=["simple1_em"],
    )


@run_spec_function("simple_mcqa_separate")
def get_simple_mcqa_separate_spec(method: str = "multiple_choice_separate_original") -> RunSpec:
    """HELM's own ``simple_mcqa`` run spec (``SimpleMCQAScenario``, HELM's exact-match metric specs) with a
    multiple_choice_separate adapter (one request per choice, scored by its log-probability): ``method`` is
    ``multiple_choice_separate_original`` or ``multiple_choice_separate_calibrated``."""
    from helm.benchmark.adaptation.common_adapter_specs import get_multiple_choice_separate_adapter_spec
    from helm.benchmark.metrics.common_metric_specs import get_exact_match_metric_specs

    return RunSpec(
        name=f"simple_mcqa_separate:method={method}",
        scenario_spec=ScenarioSpec(class_name="helm.benchmark.scenarios.simple_scenarios.SimpleMCQAScenario"),
        adapter_spec=get_multiple_choice_separate_adapter_spec(method=method, empty_input=False),
        metric_specs=get_exact_match_metric_specs(),
        groups=["simple_mcqa"],
    )
