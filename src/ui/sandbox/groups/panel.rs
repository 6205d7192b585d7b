//! The consumer groups panel: each group's coordinator, state and generation, its members in
//! their colour and glyph with the partitions they own and a lag bar per partition, idle and
//! revoked partitions spelled out, and the consumers that read without a group.

use crate::ui::shell::shared::Shared;
use yew::prelude::*;

use crate::ui::sandbox::groups::view::{
    GroupView, GroupsView, MemberStatus, MemberView, PartitionRow, StandaloneView,
};
use crate::ui::sandbox::observe::Highlight;
use crate::ui::shell::palette::MemberStyle;

#[derive(Properties, PartialEq)]
pub struct GroupsPanelProps {
    pub view: Shared<GroupsView>,
    /// Hovering or focusing a member highlights it and its partitions elsewhere.
    #[prop_or_default]
    pub on_hover: Option<Callback<Highlight>>,
}

#[component(GroupsPanel)]
pub fn groups_panel(props: &GroupsPanelProps) -> Html {
    let view = &props.view;
    html! {
        <section class="groups-panel" aria-label="Consumer groups" data-testid="groups-panel">
            <h2>{"Consumer groups"}</h2>
            if view.groups.is_empty() && view.standalone.is_empty() {
                <p class="groups-empty">{"No consumer yet."}</p>
            }
            { for view.groups.iter().map(|group| group_view(group, &props.on_hover)) }
            if !view.standalone.is_empty() {
                <div class="group-card standalone" data-testid="standalone-consumers">
                    <h3>{"Without a group"}</h3>
                    <p class="group-explain">{"Each reads every partition itself and commits nothing."}</p>
                    { for view.standalone.iter().map(|consumer| standalone_view(consumer, &props.on_hover)) }
                </div>
            }
        </section>
    }
}

fn hover_handlers(
    on_hover: &Option<Callback<Highlight>>,
    highlight: Highlight,
) -> (
    Callback<MouseEvent>,
    Callback<MouseEvent>,
    Callback<FocusEvent>,
    Callback<FocusEvent>,
) {
    let on_hover = on_hover.clone();
    let emit = move |h: Highlight| {
        if let Some(callback) = &on_hover {
            callback.emit(h);
        }
    };
    let (enter, leave, focus, blur) = (emit.clone(), emit.clone(), emit.clone(), emit);
    let for_enter = highlight.clone();
    (
        Callback::from(move |_: MouseEvent| enter(for_enter.clone())),
        Callback::from(move |_: MouseEvent| leave(Highlight::default())),
        Callback::from(move |_: FocusEvent| focus(highlight.clone())),
        Callback::from(move |_: FocusEvent| blur(Highlight::default())),
    )
}

fn group_view(group: &GroupView, on_hover: &Option<Callback<Highlight>>) -> Html {
    let state_class = format!("state-{}", group.state_label.to_lowercase());
    html! {
        <div class={classes!("group-card", group.rebalancing.then_some("rebalancing"))}
             data-testid={format!("group-{}", group.id)}>
            <h3>
                {format!("group {}", group.id)}
                <span class="group-topic">{format!(" · topic {}", group.topic)}</span>
            </h3>
            <dl class="group-facts">
                <div><dt>{"coordinator"}</dt>
                    <dd title={group.coordinator_reason.clone()}>
                        {group.coordinator_label.clone()}
                        <span class="fact-why">{format!(" — {}", group.coordinator_reason)}</span>
                    </dd></div>
                <div><dt>{"state"}</dt>
                    <dd><span class={classes!("group-state", state_class)} data-testid="group-state">{group.state_label}</span>
                        <span class="fact-why">{format!(" — {}", group.state_explanation)}</span></dd></div>
                <div><dt>{"generation"}</dt><dd>{group.generation}</dd></div>
                <div><dt>{"assignor"}</dt>
                    <dd>{group.assignor.clone()}<span class="fact-why">{format!(" — {}", group.protocol_explanation)}</span></dd></div>
            </dl>
            if let Some(note) = &group.rebalance_note {
                <p class={classes!("rebalance-note", group.rebalancing.then_some("active"))} aria-live="polite">
                    if group.rebalancing { <span aria-hidden="true">{"⟳ "}</span> }
                    {note.clone()}
                </p>
            }
            <ul class="members">
                { for group.members.iter().map(|member| member_view(member, on_hover)) }
            </ul>
            if !group.unowned.is_empty() {
                <div class="unowned">
                    <h4>{"Not owned by any member now"}</h4>
                    <ul class="partition-rows">{ for group.unowned.iter().map(partition_row) }</ul>
                </div>
            }
        </div>
    }
}

fn badge(style: &MemberStyle, name: &str) -> Html {
    html! {
        <span class="member-badge" style={format!("background:{};color:{}", style.fill, style.text)}>
            <span class="member-glyph" aria-hidden="true">{style.glyph}</span>{name.to_owned()}
        </span>
    }
}

fn status_class(status: &MemberStatus) -> &'static str {
    match status {
        MemberStatus::Reading => "reading",
        MemberStatus::Idle => "idle",
        MemberStatus::Rebalancing => "member-rebalancing",
        MemberStatus::Paused => "paused",
        MemberStatus::Crashed => "crashed",
        MemberStatus::Closed => "closed",
    }
}

fn member_view(member: &MemberView, on_hover: &Option<Callback<Highlight>>) -> Html {
    let highlight = Highlight {
        consumers: [member.consumer].into(),
        partitions: member
            .partitions
            .iter()
            .map(|p| p.partition.clone())
            .collect(),
        ..Highlight::default()
    };
    let (enter, leave, focus, blur) = hover_handlers(on_hover, highlight);
    html! {
        <li class={classes!("member", status_class(&member.status))}
            data-testid={format!("member-{}", member.consumer.0)}
            tabindex="0" onmouseenter={enter} onmouseleave={leave} onfocus={focus} onblur={blur}>
            <div class="member-head">
                { badge(&member.style, &member.name) }
                if member.is_leader { <span class="member-tag" title="The group leader runs the assignor">{"leader"}</span> }
                <span class="member-status">{member.status_text.clone()}</span>
                if let Some(slow) = &member.slow { <span class="member-tag slow">{slow.clone()}</span> }
            </div>
            if !member.partitions.is_empty() {
                <ul class="partition-rows">{ for member.partitions.iter().map(partition_row) }</ul>
            }
            if !member.revoked.is_empty() {
                <ul class="revoked-chips">
                    { for member.revoked.iter().map(|chip| html! {
                        <li class={classes!("revoked-chip", chip.label)} title={chip.explanation.clone()}>
                            <s>{chip.partition.to_string()}</s>{format!(" {}", chip.label)}
                        </li>
                    }) }
                </ul>
            }
        </li>
    }
}

fn standalone_view(consumer: &StandaloneView, on_hover: &Option<Callback<Highlight>>) -> Html {
    let highlight = Highlight {
        consumers: [consumer.consumer].into(),
        partitions: consumer
            .partitions
            .iter()
            .map(|p| p.partition.clone())
            .collect(),
        ..Highlight::default()
    };
    let (enter, leave, focus, blur) = hover_handlers(on_hover, highlight);
    html! {
        <div class={classes!("member", status_class(&consumer.status))}
             data-testid={format!("standalone-{}", consumer.consumer.0)}
             tabindex="0" onmouseenter={enter} onmouseleave={leave} onfocus={focus} onblur={blur}>
            <div class="member-head">
                { badge(&consumer.style, &consumer.name) }
                <span class="member-status">{format!("{} · topic {}", consumer.status_text, consumer.topic)}</span>
                if let Some(slow) = &consumer.slow { <span class="member-tag slow">{slow.clone()}</span> }
            </div>
            <ul class="partition-rows">{ for consumer.partitions.iter().map(partition_row) }</ul>
        </div>
    }
}

fn partition_row(row: &PartitionRow) -> Html {
    let text = |value: Option<u64>| value.map_or_else(|| "—".to_owned(), |v| v.to_string());
    html! {
        <li class={classes!("partition-row", row.just_assigned.then_some("just-assigned"))} title={row.tooltip.clone()}>
            <span class="partition-name">
                {row.partition.to_string()}
                if row.just_assigned { <span class="new-tag">{" new"}</span> }
            </span>
            <span class="partition-numbers">
                {format!("pos {} · committed {} · HW {}", text(row.position), text(row.committed), row.high_watermark)}
            </span>
            <span class="lag" role="meter" aria-label={row.tooltip.clone()}
                  aria-valuemin="0" aria-valuemax="1" aria-valuenow={format!("{:.2}", row.lag_fraction)}>
                <span class="lag-bar" style={format!("transform:scaleX({:.3})", row.lag_fraction)}></span>
                <span class="lag-text">{format!("lag {}", row.lag)}</span>
            </span>
        </li>
    }
}
