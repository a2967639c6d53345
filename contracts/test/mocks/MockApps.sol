// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAppAuth} from "../../src/IAppAuth.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice What every third-party policy written against IAppAuth needs now that it extends
///         IERC165 (as the deployed interface does): an ERC-165 answer of its own.
abstract contract MockAppAuth is IAppAuth {
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IAppAuth).interfaceId || interfaceId == type(IERC165).interfaceId;
    }
}

/// @notice An app policy that allows everything.
contract AllowAllApp is MockAppAuth {
    function isAppAllowed(AppBootInfo calldata) external pure returns (bool, string memory) {
        return (true, "");
    }
}

/// @notice An app policy that denies with a reason of its own.
contract DenyWithReasonApp is MockAppAuth {
    function isAppAllowed(AppBootInfo calldata b) external pure returns (bool, string memory) {
        return (false, string.concat("custom deny: ", b.tcbStatus));
    }
}

/// @notice An app policy that reverts: with a string, a custom error, or no data.
contract RevertingApp is MockAppAuth {
    error AppPolicyBroken(uint256 code);

    uint256 public mode; // 0 string, 1 custom error, 2 empty

    function setMode(uint256 m) external {
        mode = m;
    }

    function isAppAllowed(AppBootInfo calldata) external view returns (bool, string memory) {
        if (mode == 0) revert("app policy exploded");
        if (mode == 1) revert AppPolicyBroken(42);
        revert();
    }
}

/// @notice Answers any call with raw bytes chosen by the test (too short, malformed, ...).
contract RawReturnApp {
    bytes public answer;

    function setAnswer(bytes calldata a) external {
        answer = a;
    }

    fallback() external {
        bytes memory a = answer;
        assembly {
            return(add(a, 0x20), mload(a))
        }
    }
}

/// @notice Has code but no isAppAllowed and no fallback: the call reverts with no data.
contract NoAuthApp {
    function hello() external pure returns (uint256) {
        return 1;
    }
}

/// @notice Echoes a digest of the boot info it was asked about, to show it arrives unchanged.
contract EchoApp is MockAppAuth {
    function isAppAllowed(AppBootInfo calldata b) external pure returns (bool, string memory) {
        return (true, string(abi.encodePacked(keccak256(abi.encode(b)))));
    }
}
