// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {TestBase} from "./TestBase.sol";
import {DstackKms} from "../../src/DstackKms.sol";
import {DstackApp} from "../../src/DstackApp.sol";
import {IAppAuth} from "../../src/IAppAuth.sol";

/// @notice The errors the contracts may revert with, declared here from their published
///         signatures (not imported) so a renamed or retyped error makes the tests fail.
interface Errors {
    error OwnableUnauthorizedAccount(address account);
    error OwnableInvalidOwner(address owner);
    error InvalidInitialization();
    error UUPSUnauthorizedCallContext();
    error UUPSUnsupportedProxiableUUID(bytes32 slot);
    error ERC1967InvalidImplementation(address implementation);
}

/// @notice Every event of both contracts, declared from the reference signatures (CONTRACTS.md)
///         rather than imported, so the topics the tests expect are independent of the sources.
abstract contract PolicyEvents {
    // DstackKms
    event KmsInfoSet(bytes k256Pubkey);
    event GatewayAppIdSet(string gatewayAppId);
    event AppRegistered(address appId);
    event AppImplementationSet(address implementation);
    event AppDeployedViaFactory(address indexed appId, address indexed deployer);
    event KmsAggregatedMrAdded(bytes32 mrAggregated);
    event KmsAggregatedMrRemoved(bytes32 mrAggregated);
    event KmsDeviceAdded(bytes32 deviceId);
    event KmsDeviceRemoved(bytes32 deviceId);
    event OsImageHashAdded(bytes32 osImageHash);
    event OsImageHashRemoved(bytes32 osImageHash);
    // DstackApp
    event ComposeHashAdded(bytes32 composeHash);
    event ComposeHashRemoved(bytes32 composeHash);
    event DeviceAdded(bytes32 deviceId);
    event DeviceRemoved(bytes32 deviceId);
    event AllowAnyDeviceSet(bool allowAny);
    event RequireTcbUpToDateSet(bool requireUpToDate);
    event UpgradesDisabled();
    // both
    event PolicyChanged(address indexed actor, bytes32 indexed policy, bytes32 indexed value, bool enabled);
    // inherited from OpenZeppelin
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event Upgraded(address indexed implementation);
    event Initialized(uint64 version);
}

/// @notice Shared set-up: deploying proxies, boot infos, policy names and well-known values.
abstract contract Fixtures is TestBase, PolicyEvents {
    // PolicyChanged.policy topics
    bytes32 internal constant P_KMS_INFO = keccak256("kms-info");
    bytes32 internal constant P_GATEWAY_APP_ID = keccak256("gateway-app-id");
    bytes32 internal constant P_REGISTERED_APP = keccak256("registered-app");
    bytes32 internal constant P_APP_IMPLEMENTATION = keccak256("app-implementation");
    bytes32 internal constant P_KMS_AGGREGATED_MR = keccak256("kms-aggregated-mr");
    bytes32 internal constant P_KMS_DEVICE = keccak256("kms-device");
    bytes32 internal constant P_OS_IMAGE = keccak256("os-image");
    bytes32 internal constant P_UPGRADE = keccak256("implementation-upgrade");
    bytes32 internal constant P_COMPOSE_HASH = keccak256("compose-hash");
    bytes32 internal constant P_DEVICE = keccak256("device");
    bytes32 internal constant P_ALLOW_ANY_DEVICE = keccak256("allow-any-device");
    bytes32 internal constant P_REQUIRE_TCB = keccak256("require-tcb-up-to-date");
    bytes32 internal constant P_UPGRADES_DISABLED = keccak256("upgrades-disabled");

    // exact reason strings
    string internal constant R_TCB = "TCB status is not up to date";
    string internal constant R_OS = "OS image is not allowed";
    string internal constant R_MR = "Aggregated MR not allowed";
    string internal constant R_KMS_DEVICE = "KMS is not allowed to boot on this device";
    string internal constant R_NOT_REGISTERED = "App not registered";
    string internal constant R_NO_CODE = "App not deployed or invalid address";
    string internal constant R_COMPOSE = "Compose hash not allowed";
    string internal constant R_DEVICE = "Device not allowed";

    bytes4 internal constant IAPPAUTH_ID = 0x1e079198;
    bytes4 internal constant IAPPAUTH_BASIC_MANAGEMENT_ID = 0x8fd37527;
    bytes4 internal constant IERC165_ID = 0x01ffc9a7;

    /// ERC-1967 implementation slot: keccak256("eip1967.proxy.implementation") - 1.
    bytes32 internal constant IMPL_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;

    string internal constant APP_INIT6 = "initialize(address,bool,bool,bool,bytes32,bytes32)";
    string internal constant APP_INIT5 = "initialize(address,bool,bool,bytes32,bytes32)";
    string internal constant DEPLOY6 = "deployAndRegisterApp(address,bool,bool,bool,bytes32,bytes32)";
    string internal constant DEPLOY5 = "deployAndRegisterApp(address,bool,bool,bytes32,bytes32)";

    address internal owner = address(0xA11CE);
    address internal stranger = address(0xBAD);
    address internal newOwner = address(0xB0B);

    bytes32 internal constant OS = keccak256("os-image-1");
    bytes32 internal constant MR = keccak256("mr-aggregated-1");
    bytes32 internal constant DEV = keccak256("device-1");
    bytes32 internal constant CH = keccak256("compose-1");

    function deployKms(address kmsOwner, address appImpl) internal returns (DstackKms) {
        DstackKms impl = new DstackKms();
        return DstackKms(
            address(new ERC1967Proxy(address(impl), abi.encodeCall(DstackKms.initialize, (kmsOwner, appImpl))))
        );
    }

    function deployApp(
        address appOwner,
        bool disableUpgrades,
        bool requireTcb,
        bool anyDevice,
        bytes32 device,
        bytes32 composeHash
    ) internal returns (DstackApp) {
        DstackApp impl = new DstackApp();
        bytes memory init =
            abi.encodeWithSignature(APP_INIT6, appOwner, disableUpgrades, requireTcb, anyDevice, device, composeHash);
        return DstackApp(address(new ERC1967Proxy(address(impl), init)));
    }

    function implementationOf(address proxy) internal view returns (address) {
        return address(uint160(uint256(vm.load(proxy, IMPL_SLOT))));
    }

    function unauthorized(address who) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(Errors.OwnableUnauthorizedAccount.selector, who);
    }

    function revertString(string memory s) internal pure returns (bytes memory) {
        return abi.encodeWithSignature("Error(string)", s);
    }

    function addrTopic(address a) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }

    /// A boot info that passes every check of a policy set up with OS, MR, DEV and CH.
    function goodInfo(address appId) internal pure returns (IAppAuth.AppBootInfo memory b) {
        b.appId = appId;
        b.composeHash = CH;
        b.instanceId = address(0x1257);
        b.deviceId = DEV;
        b.mrAggregated = MR;
        b.mrSystem = keccak256("mr-system");
        b.osImageHash = OS;
        b.tcbStatus = "UpToDate";
        b.advisoryIds = new string[](1);
        b.advisoryIds[0] = "INTEL-SA-00837";
    }

    function assertDecision(bool ok, string memory reason, bool wantOk, string memory wantReason) internal pure {
        assertEq(ok, wantOk, "isAllowed");
        assertEq(reason, wantReason, "reason");
    }

    /// @dev Storage slot of `mapping[key]` for a mapping declared at `slot`.
    function mapSlot(bytes32 key, uint256 slot) internal pure returns (bytes32) {
        return keccak256(abi.encode(key, slot));
    }

    // --- expected events ----------------------------------------------------------------------

    /// Expects `emitter` to emit PolicyChanged(actor, policy, value, enabled) next.
    function expectPolicyChanged(address emitter, address actor, bytes32 policy, bytes32 value, bool enabled)
        internal
    {
        vm.expectEmit(true, true, true, true, emitter);
        emit PolicyChanged(actor, policy, value, enabled);
    }

    /// Expects `emitter` to emit next an event without indexed arguments whose one argument is the
    /// 32-byte `word` (e.g. `KmsDeviceAdded(bytes32)`, `AllowAnyDeviceSet(bool)`); `topic0` is the
    /// selector of the event declared in PolicyEvents, so the signature stays the reference's.
    function expectWordEvent(address emitter, bytes32 topic0, bytes32 word) internal {
        vm.expectEmit(true, true, true, true, emitter);
        assembly ("memory-safe") {
            mstore(0, word)
            log1(0, 32, topic0)
        }
    }

    /// Expects a policy change by `actor`: the specific one-word event, then its PolicyChanged.
    function expectChange(address emitter, bytes32 topic0, address actor, bytes32 policy, bytes32 value, bool enabled)
        internal
    {
        expectWordEvent(emitter, topic0, value);
        expectPolicyChanged(emitter, actor, policy, value, enabled);
    }

    /// Expects, in order, every event of a DstackApp proxy initialized with `dev` and `ch` (both
    /// non-zero) by `actor` (whoever runs the initializer: the deployer, or the KMS's factory).
    /// The deployed order: the policy events first, then the owner's, then Initialized.
    function expectAppInitEvents(address proxy, address impl, address appOwner, address actor, bytes32 dev, bytes32 ch)
        internal
    {
        vm.expectEmit(true, true, true, true, proxy);
        emit Upgraded(impl);
        vm.expectEmit(true, true, true, true, proxy);
        emit DeviceAdded(dev);
        expectPolicyChanged(proxy, actor, P_DEVICE, dev, true);
        vm.expectEmit(true, true, true, true, proxy);
        emit ComposeHashAdded(ch);
        expectPolicyChanged(proxy, actor, P_COMPOSE_HASH, ch, true);
        vm.expectEmit(true, true, true, true, proxy);
        emit OwnershipTransferred(address(0), appOwner);
        vm.expectEmit(true, true, true, true, proxy);
        emit Initialized(1);
    }

    /// Expects the events of an authorized upgrade of `proxy` to `impl` by `actor`, in order.
    function expectUpgradeEvents(address proxy, address actor, address impl) internal {
        expectPolicyChanged(proxy, actor, P_UPGRADE, addrTopic(impl), true);
        vm.expectEmit(true, true, true, true, proxy);
        emit Upgraded(impl);
    }

    // --- shared checks ------------------------------------------------------------------------

    /// The owner allows `v` on an allowlist (a `mapping(bytes32 => bool)` at `slot`), then removes
    /// it: each step's two events with their arguments, the getter and the raw storage slot.
    function checkAllowlist(
        function(bytes32) external add,
        function(bytes32) external remove,
        function(bytes32) external view returns (bool) isAllowed,
        bytes32 addedTopic,
        bytes32 removedTopic,
        bytes32 policy,
        bytes32 v,
        uint256 slot
    ) internal {
        address target = add.address;
        expectChange(target, addedTopic, owner, policy, v, true);
        vm.prank(owner);
        add(v);
        assertTrue(isAllowed(v), "allowed after add");
        assertEq(vm.load(target, mapSlot(v, slot)), bytes32(uint256(1)), "mapping slot after add");

        expectChange(target, removedTopic, owner, policy, v, false);
        vm.prank(owner);
        remove(v);
        assertFalse(isAllowed(v), "allowed after remove");
        assertEq(vm.load(target, mapSlot(v, slot)), bytes32(0), "mapping slot after remove");
    }

    /// All four KMS info fields of `k` equal the given values.
    function assertKmsInfo(DstackKms k, bytes memory k256, bytes memory ca, bytes memory quote, bytes memory eventlog)
        internal
        view
    {
        (bytes memory k2, bytes memory ca2, bytes memory q2, bytes memory e2) = k.kmsInfo();
        assertEq(k2, k256, "k256Pubkey");
        assertEq(ca2, ca, "caPubkey");
        assertEq(q2, quote, "quote");
        assertEq(e2, eventlog, "eventlog");
    }
}
