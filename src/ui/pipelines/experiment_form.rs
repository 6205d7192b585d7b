//! The CodeMentor experiment's inputs: the burst size, the Python share, the execution
//! server's concurrency, the request timeout, the partition count and the seed.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::pipeline::codementor::ExperimentParams;

use super::view::experiment::{ExperimentForm, Field};

#[derive(Properties, PartialEq)]
pub struct ExperimentFormViewProps {
    pub on_run: Callback<ExperimentParams>,
}

const FIELDS: [(Field, &str, &str, &str); 6] = [
    (
        Field::Burst,
        "Submissions in the burst (N)",
        "exp-burst",
        "arrive within 10 s",
    ),
    (
        Field::PythonPercent,
        "Python share, %",
        "exp-python",
        "the rest are Java",
    ),
    (
        Field::Concurrency,
        "Concurrency",
        "exp-concurrency",
        "execution slots; also the starting consumers",
    ),
    (
        Field::TimeoutS,
        "Request timeout, s",
        "exp-timeout",
        "a synchronous caller gives up after this",
    ),
    (
        Field::Partitions,
        "Partitions",
        "exp-partitions",
        "the most consumers the group can use",
    ),
    (Field::Seed, "Seed", "exp-seed", "same seed, same run"),
];

fn value(form: &ExperimentForm, field: Field) -> String {
    match field {
        Field::Burst => form.burst.clone(),
        Field::PythonPercent => form.python_percent.clone(),
        Field::Concurrency => form.concurrency.clone(),
        Field::TimeoutS => form.timeout_s.clone(),
        Field::Partitions => form.partitions.clone(),
        Field::Seed => form.seed.clone(),
    }
}

#[component(ExperimentFormView)]
pub fn experiment_form_view(props: &ExperimentFormViewProps) -> Html {
    let form = use_state(ExperimentForm::default);
    let problems = use_state(Vec::<String>::new);
    let submit = {
        let form = form.clone();
        let problems = problems.clone();
        let on_run = props.on_run.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match form.params() {
                Ok(params) => {
                    problems.set(Vec::new());
                    on_run.emit(params);
                }
                Err(found) => problems.set(found),
            }
        })
    };
    html! {
        <form class="exp-form" onsubmit={submit} data-testid="experiment-form">
            <div class="exp-fields">
                { for FIELDS.iter().map(|&(field, label, id, hint)| {
                    let current = value(&form, field);
                    let form = form.clone();
                    let oninput = Callback::from(move |event: InputEvent| {
                        let input: HtmlInputElement = event.target_unchecked_into();
                        let mut next = (*form).clone();
                        next.set(field, input.value());
                        form.set(next);
                    });
                    html! {
                        <label for={id}>
                            <span>{ label }</span>
                            <input id={id} type="number" inputmode="numeric" value={current}
                                   {oninput} data-testid={id} aria-describedby={format!("{id}-hint")} />
                            <small id={format!("{id}-hint")}>{ hint }</small>
                        </label>
                    }
                }) }
            </div>
            <button type="submit" class="primary" data-testid="exp-run">{"▶ Run the burst, with and without Kafka"}</button>
            if !problems.is_empty() {
                <ul class="exp-problems" role="alert" data-testid="exp-problems">
                    { for problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }
                </ul>
            }
        </form>
    }
}
