// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DstackApp} from "../../src/DstackApp.sol";

/// @notice Upgrade target for the tests: DstackApp plus a version bump, no new storage.
///         (DstackApp.version() is not virtual, so the bump is a separate function.)
contract DstackAppV2 is DstackApp {
    function versionV2() external pure returns (uint256) {
        return 3;
    }
}
