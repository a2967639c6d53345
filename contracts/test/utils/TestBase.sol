// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The forge cheatcodes these tests use (forge-std is not available offline, so the
///         interface is declared here). Signatures are forge's; only what the suite needs.
interface Vm {
    // environment
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function warp(uint256 timestamp) external;
    function deal(address account, uint256 amount) external;
    function etch(address target, bytes calldata code) external;
    function load(address target, bytes32 slot) external view returns (bytes32);
    function label(address account, string calldata name) external;
    function assume(bool condition) external pure;
    function getNonce(address account) external view returns (uint64);
    function computeCreateAddress(address deployer, uint256 nonce) external pure returns (address);
    // keys and signatures
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    // artifacts
    function getCode(string calldata artifactPath) external view returns (bytes memory);
    // expectations
    function expectRevert() external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit() external;
    function expectEmit(address emitter) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter)
        external;
    // logs: recordLogs starts (or restarts) recording every log; getRecordedLogs returns what was
    // recorded since, in emission order, and clears it
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
    // formatting (for assertion messages)
    function toString(uint256 value) external pure returns (string memory);
    // assertions (a failure reverts the test with the message)
    function assertTrue(bool condition, string calldata error) external pure;
    function assertFalse(bool condition, string calldata error) external pure;
    function assertEq(bool left, bool right, string calldata error) external pure;
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertEq(address left, address right, string calldata error) external pure;
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertEq(string calldata left, string calldata right, string calldata error) external pure;
    function assertEq(bytes calldata left, bytes calldata right, string calldata error) external pure;

    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }
}

/// @notice Minimal base for the forge tests: the cheatcode handle, assertions with default
///         messages, `bound`, and the invariant-target hooks forge looks up by name.
abstract contract TestBase {
    bool public IS_TEST = true;
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address[] private _targetContracts;
    address[] private _excludeSenders;

    // --- assertions -----------------------------------------------------------------------
    function assertTrue(bool c) internal pure { vm.assertTrue(c, "expected true"); }
    function assertTrue(bool c, string memory m) internal pure { vm.assertTrue(c, m); }
    function assertFalse(bool c) internal pure { vm.assertFalse(c, "expected false"); }
    function assertFalse(bool c, string memory m) internal pure { vm.assertFalse(c, m); }
    function assertEq(bool a, bool b) internal pure { vm.assertEq(a, b, "bool mismatch"); }
    function assertEq(bool a, bool b, string memory m) internal pure { vm.assertEq(a, b, m); }
    function assertEq(uint256 a, uint256 b) internal pure { vm.assertEq(a, b, "uint mismatch"); }
    function assertEq(uint256 a, uint256 b, string memory m) internal pure { vm.assertEq(a, b, m); }
    function assertEq(address a, address b) internal pure { vm.assertEq(a, b, "address mismatch"); }
    function assertEq(address a, address b, string memory m) internal pure { vm.assertEq(a, b, m); }
    function assertEq(bytes32 a, bytes32 b) internal pure { vm.assertEq(a, b, "bytes32 mismatch"); }
    function assertEq(bytes32 a, bytes32 b, string memory m) internal pure { vm.assertEq(a, b, m); }
    function assertEq(string memory a, string memory b) internal pure { vm.assertEq(a, b, "string mismatch"); }
    function assertEq(string memory a, string memory b, string memory m) internal pure { vm.assertEq(a, b, m); }
    function assertEq(bytes memory a, bytes memory b) internal pure { vm.assertEq(a, b, "bytes mismatch"); }
    function assertEq(bytes memory a, bytes memory b, string memory m) internal pure { vm.assertEq(a, b, m); }

    /// @dev Maps `x` into [lo, hi] without discarding fuzz runs (uniform enough for tests).
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        require(lo <= hi, "bound: lo > hi");
        if (lo == 0 && hi == type(uint256).max) return x;
        return lo + (x % (hi - lo + 1));
    }

    // --- invariant targets (forge calls these by name) ---------------------------------------
    function targetContract(address target) internal { _targetContracts.push(target); }
    function excludeSender(address sender) internal { _excludeSenders.push(sender); }
    function targetContracts() public view returns (address[] memory) { return _targetContracts; }
    function excludeSenders() public view returns (address[] memory) { return _excludeSenders; }
}
