// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PolicyAudit
/// @notice The audit trail shared by DstackKms and DstackApp: every policy change emits
///         PolicyChanged(actor, policy, value, enabled) with policy = keccak256("<name>").
/// @dev Stateless on purpose (no storage, no constructor): inheriting it leaves the storage layout
///      of the upgradeable contracts unchanged.
abstract contract PolicyAudit {
    /// @notice Audit trail of every policy change.
    event PolicyChanged(address indexed actor, bytes32 indexed policy, bytes32 indexed value, bool enabled);

    /// @dev Emits PolicyChanged(msg.sender, policy, value, enabled): the same log as `emit`, encoded
    ///      by hand in scratch space (the ABI encoder costs about 50 gas more per event).
    function _policyChanged(bytes32 policy, bytes32 value, bool enabled) internal {
        bytes32 topic = PolicyChanged.selector;
        assembly ("memory-safe") {
            mstore(0, enabled)
            log4(0, 32, topic, caller(), policy, value)
        }
    }
}
