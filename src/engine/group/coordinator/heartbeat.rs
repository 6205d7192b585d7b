//! Liveness at the coordinator: heartbeats, the session timeout that removes a silent member,
//! and a member leaving.

use crate::engine::errors::ErrorCode;
use crate::engine::network::GroupResponse;
use crate::engine::Simulation;

use super::Reply;
use crate::engine::event::EventKind;
use crate::engine::phases::GroupPhase;
use crate::engine::timer::Timer;

impl Simulation {
    pub(super) fn on_heartbeat(
        &mut self,
        group_id: &str,
        reply: Reply,
        member_id: &str,
        generation: i32,
    ) {
        let error = self.heartbeat_error(group_id, member_id, generation);
        if error.is_none() || error == Some(ErrorCode::RebalanceInProgress) {
            self.touch_member(group_id, member_id);
        }
        self.respond(&reply, GroupResponse::Heartbeat { error });
    }

    pub(in crate::engine) fn heartbeat_error(
        &self,
        group: &str,
        member_id: &str,
        generation: i32,
    ) -> Option<ErrorCode> {
        let state = &self.groups[group];
        if state.phase == GroupPhase::Empty || !state.members.contains_key(member_id) {
            return Some(ErrorCode::UnknownMemberId);
        }
        if generation != state.generation {
            return Some(ErrorCode::IllegalGeneration);
        }
        match state.phase {
            GroupPhase::PreparingRebalance => Some(ErrorCode::RebalanceInProgress),
            _ => None,
        }
    }

    pub(in crate::engine) fn touch_member(&mut self, group: &str, member_id: &str) {
        let now = self.now;
        let Some(member) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.members.get_mut(member_id))
        else {
            return;
        };
        member.last_heartbeat = now;
        let at = now.plus_ms(member.session_timeout_ms);
        self.schedule_timer(
            at,
            Timer::MemberSessionCheck(group.to_owned(), member_id.to_owned()),
        );
    }

    /// A member's session may have expired: it is removed if nothing was heard for
    /// `session.timeout.ms` (members waiting in a join or sync phase are alive).
    pub(in crate::engine) fn on_member_session_check(&mut self, group: &str, member_id: &str) {
        let now = self.now;
        let expired = self
            .groups
            .get(group)
            .and_then(|g| g.members.get(member_id))
            .is_some_and(|m| {
                m.awaiting_join.is_none()
                    && m.awaiting_sync.is_none()
                    && now.since(m.last_heartbeat) >= m.session_timeout_ms
            });
        if expired {
            self.remove_member(group, member_id, "session timed out (no heartbeat)");
        }
    }

    /// Removes a member (leave, session expiry, poll timeout) and rebalances the rest.
    pub(in crate::engine) fn remove_member(&mut self, group: &str, member_id: &str, reason: &str) {
        let Some(state) = self.groups.get_mut(group) else {
            return;
        };
        if state.members.remove(member_id).is_none() {
            return;
        }
        if state.leader.as_deref() == Some(member_id) {
            state.leader = state.members.keys().next().cloned();
        }
        let phase = state.phase;
        let now_empty = state.members.is_empty();
        self.emit(EventKind::MemberRemoved {
            group: group.to_owned(),
            member: member_id.to_owned(),
            reason: reason.to_owned(),
        });
        match phase {
            GroupPhase::Stable | GroupPhase::CompletingRebalance => {
                if now_empty {
                    let state = self.groups.get_mut(group).expect("exists");
                    state.generation += 1;
                    state.round += 1;
                    state.protocol = None;
                    self.set_phase(group, GroupPhase::Empty);
                } else {
                    self.prepare_rebalance(group, format!("{member_id} {reason}"));
                }
            }
            GroupPhase::PreparingRebalance => self.maybe_complete_join(group),
            GroupPhase::Empty | GroupPhase::Dead => {}
        }
    }
}
