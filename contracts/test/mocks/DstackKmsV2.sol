// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DstackKms} from "../../src/DstackKms.sol";

/// @notice Upgrade target for the tests: DstackKms plus a version marker, no new storage.
contract DstackKmsV2 is DstackKms {
    function kmsVersion() external pure returns (uint256) {
        return 2;
    }
}
