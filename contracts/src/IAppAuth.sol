// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title IAppAuth
/// @notice What a boot-authorization policy answers: may this workload boot, and if not, why.
/// @dev ERC-165 id 0x1e079198 (the selector of isAppAllowed; type(IAppAuth).interfaceId leaves
///      out the inherited supportsInterface). Any 0.8 compiler accepts this file.
interface IAppAuth is IERC165 {
    /// @notice Measurements and identity of a CVM asking for its keys.
    struct AppBootInfo {
        address appId;
        bytes32 composeHash;
        address instanceId;
        bytes32 deviceId;
        bytes32 mrAggregated;
        bytes32 mrSystem;
        bytes32 osImageHash;
        string tcbStatus;
        string[] advisoryIds;
    }

    /// @notice Decides whether `bootInfo` may boot; `reason` is empty when allowed.
    function isAppAllowed(AppBootInfo calldata bootInfo)
        external
        view
        returns (bool isAllowed, string memory reason);
}
