//! The peak second's panel: a button, a progress bar and the figures. The run happens in the
//! peak worker ([`super::peak`]), started on the first click; this component only draws its
//! reports, so the page above keeps animating while 8 M events go through the engine.

use yew::prelude::*;

use super::assumptions_list::AssumptionsList;
use super::peak::client::PeakWorker;
use super::peak::PeakReport;
use super::view::peak::{PeakRunState, PeakView};
use crate::pipeline::peak_second::PeakPlan;

pub enum Msg {
    Run,
    Report(Result<PeakReport, String>),
}

pub struct PeakPanel {
    plan: PeakPlan,
    worker: Option<PeakWorker>,
    /// The latest run asked for; reports of an earlier run are ignored.
    run: u32,
    state: PeakRunState,
}

impl Component for PeakPanel {
    type Message = Msg;
    type Properties = ();

    fn create(_ctx: &Context<Self>) -> Self {
        PeakPanel {
            plan: PeakPlan::netflix_2016(),
            worker: None,
            run: 0,
            state: PeakRunState::Idle,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Run => {
                if matches!(
                    self.state,
                    PeakRunState::Starting | PeakRunState::Running(_)
                ) {
                    return false;
                }
                if self.worker.is_none() {
                    match PeakWorker::start(ctx.link().callback(Msg::Report)) {
                        Ok(worker) => self.worker = Some(worker),
                        Err(why) => {
                            self.state = PeakRunState::Failed(why);
                            return true;
                        }
                    }
                }
                self.run += 1;
                let asked = self.worker.as_ref().map(|worker| worker.run(self.run));
                self.state = match asked {
                    Some(Ok(())) => PeakRunState::Starting,
                    Some(Err(why)) => PeakRunState::Failed(why),
                    None => PeakRunState::Failed("the worker is gone".to_owned()),
                };
                true
            }
            Msg::Report(Ok(report)) => {
                if report.run != self.run {
                    return false;
                }
                self.state = if report.progress.done {
                    PeakRunState::Done(report)
                } else {
                    PeakRunState::Running(report)
                };
                true
            }
            Msg::Report(Err(why)) => {
                // A failed worker is dropped (terminated), so the next click starts afresh.
                self.worker = None;
                self.state = PeakRunState::Failed(why);
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let view = PeakView::build(&self.state, &self.plan);
        let label = match self.state {
            PeakRunState::Starting | PeakRunState::Running(_) => "Running…",
            PeakRunState::Done(_) => "Run it again",
            PeakRunState::Idle | PeakRunState::Failed(_) => "Run the peak second",
        };
        html! {
            <div class="peak" data-testid="peak">
                <div class="peak-controls">
                    <button class="peak-run primary" data-testid="peak-run" disabled={view.running}
                            onclick={ctx.link().callback(|_| Msg::Run)}>{ label }</button>
                    <div class="peak-bar" role="progressbar" aria-label="Events sent"
                         aria-valuemin="0" aria-valuemax="100" aria-valuenow={view.percent_sent.to_string()}>
                        <span class="peak-bar-fill" style={format!("transform:scaleX({})", f64::from(view.percent_sent) / 100.0)}></span>
                    </div>
                </div>
                <p class={classes!("peak-status", view.failed.then_some("bad"))} role="status"
                   data-testid="peak-status" data-state={state_name(&self.state)}>{ view.status.clone() }</p>
                if !view.figures.is_empty() {
                    <dl class="peak-figures" data-testid="peak-figures">
                        { for view.figures.iter().map(|f| html! {
                            <div class="peak-figure" data-figure={f.key}>
                                <dt>{ f.label }</dt>
                                <dd>{ f.value.clone() }</dd>
                            </div>
                        }) }
                    </dl>
                }
                <AssumptionsList assumptions={view.assumptions.clone()} />
            </div>
        }
    }
}

fn state_name(state: &PeakRunState) -> &'static str {
    match state {
        PeakRunState::Idle => "idle",
        PeakRunState::Starting => "starting",
        PeakRunState::Running(_) => "running",
        PeakRunState::Done(_) => "done",
        PeakRunState::Failed(_) => "failed",
    }
}
