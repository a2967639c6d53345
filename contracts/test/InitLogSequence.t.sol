// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Fixtures} from "./utils/Fixtures.sol";
import {Vm} from "./utils/TestBase.sol";
import {DstackKms} from "../src/DstackKms.sol";
import {DstackApp} from "../src/DstackApp.sol";

/// @notice The complete log sequence of every initialization path, compared log by log (emitter,
///         every topic, data) with the order the deployed contracts produce, so an indexer that
///         replays the logs of a deployment in order sees the same story on ours:
///
///         DstackApp proxy: Upgraded(impl); per non-zero initial device DeviceAdded + PolicyChanged
///         ("device"); per non-zero initial compose hash ComposeHashAdded + PolicyChanged
///         ("compose-hash"); then OwnershipTransferred(0, owner); Initialized(1) last.
///         DstackKms proxy: Upgraded(impl); OwnershipTransferred(0, owner); with an app
///         implementation AppImplementationSet + PolicyChanged ("app-implementation");
///         Initialized(1) last.
///         Factory: the app proxy's sequence (actor: the KMS, which runs the initializer), then on
///         the KMS AppRegistered + PolicyChanged ("registered-app", actor: the caller) and
///         AppDeployedViaFactory(app, caller).
///
///         Topics are computed here from the reference signatures, not taken from the sources.
contract InitLogSequenceTest is Fixtures {
    bytes32 internal constant T_UPGRADED = keccak256("Upgraded(address)");
    bytes32 internal constant T_OWNERSHIP = keccak256("OwnershipTransferred(address,address)");
    bytes32 internal constant T_INITIALIZED = keccak256("Initialized(uint64)");
    bytes32 internal constant T_POLICY = keccak256("PolicyChanged(address,bytes32,bytes32,bool)");
    bytes32 internal constant T_DEVICE_ADDED = keccak256("DeviceAdded(bytes32)");
    bytes32 internal constant T_COMPOSE_ADDED = keccak256("ComposeHashAdded(bytes32)");
    bytes32 internal constant T_APP_IMPL_SET = keccak256("AppImplementationSet(address)");
    bytes32 internal constant T_APP_REGISTERED = keccak256("AppRegistered(address)");
    bytes32 internal constant T_DEPLOYED = keccak256("AppDeployedViaFactory(address,address)");

    address internal deployer = address(0xD3910);
    address internal appOwner = address(0xAB);

    // --- DstackApp initializers, called through the proxy's constructor -----------------------

    function test_appInitialize6_fullLogSequence() public {
        // every flag set: flags are storage only, they add no log
        _checkApp6(true, true, true, DEV, CH, "app init6 (flags, device, compose hash)");
    }

    function test_appInitialize6_noFlagsDeviceAndComposeHash() public {
        _checkApp6(false, false, false, DEV, CH, "app init6 (device, compose hash)");
    }

    function test_appInitialize6_composeHashOnly() public {
        _checkApp6(false, true, false, bytes32(0), CH, "app init6 (compose hash only)");
    }

    function test_appInitialize6_deviceOnly() public {
        _checkApp6(true, false, true, DEV, bytes32(0), "app init6 (device only)");
    }

    function test_appInitialize6_nothingToAllow() public {
        _checkApp6(false, false, false, bytes32(0), bytes32(0), "app init6 (no device, no compose hash)");
    }

    function test_appInitialize5_fullLogSequence() public {
        _checkApp5(true, true, DEV, CH, "app init5 (flags, device, compose hash)");
    }

    function test_appInitialize5_deviceOnly() public {
        _checkApp5(false, false, DEV, bytes32(0), "app init5 (device only)");
    }

    function test_appInitialize5_nothingToAllow() public {
        _checkApp5(false, true, bytes32(0), bytes32(0), "app init5 (no device, no compose hash)");
    }

    // --- DstackKms initializer ----------------------------------------------------------------

    function test_kmsInitialize_fullLogSequence() public {
        DstackKms impl = new DstackKms();
        address appImpl = address(new DstackApp());
        vm.recordLogs();
        vm.prank(deployer);
        address kms = address(new ERC1967Proxy(address(impl), abi.encodeCall(DstackKms.initialize, (owner, appImpl))));
        Vm.Log[] memory got = vm.getRecordedLogs();

        Vm.Log[] memory want = new Vm.Log[](5);
        want[0] = _log(kms, T_UPGRADED, addrTopic(address(impl)), "");
        want[1] = _log(kms, T_OWNERSHIP, bytes32(0), addrTopic(owner), "");
        want[2] = _log(kms, T_APP_IMPL_SET, abi.encode(appImpl));
        want[3] = _policy(kms, deployer, P_APP_IMPLEMENTATION, addrTopic(appImpl), true);
        want[4] = _log(kms, T_INITIALIZED, abi.encode(uint64(1)));
        assertLogs(got, want, "kms init");
    }

    function test_kmsInitialize_withoutAppImplementation() public {
        DstackKms impl = new DstackKms();
        vm.recordLogs();
        vm.prank(deployer);
        address kms =
            address(new ERC1967Proxy(address(impl), abi.encodeCall(DstackKms.initialize, (owner, address(0)))));
        Vm.Log[] memory got = vm.getRecordedLogs();

        Vm.Log[] memory want = new Vm.Log[](3);
        want[0] = _log(kms, T_UPGRADED, addrTopic(address(impl)), "");
        want[1] = _log(kms, T_OWNERSHIP, bytes32(0), addrTopic(owner), "");
        want[2] = _log(kms, T_INITIALIZED, abi.encode(uint64(1)));
        assertLogs(got, want, "kms init (no app implementation)");
    }

    // --- the factory --------------------------------------------------------------------------

    function test_factory6_fullLogSequence() public {
        _checkFactory(true, true, true, true, DEV, CH, "factory6 (flags, device, compose hash)");
    }

    function test_factory6_composeHashOnly() public {
        _checkFactory(true, false, false, false, bytes32(0), CH, "factory6 (compose hash only)");
    }

    function test_factory5_fullLogSequence() public {
        _checkFactory(false, true, false, true, DEV, CH, "factory5 (flags, device, compose hash)");
    }

    function test_factory5_nothingToAllow() public {
        _checkFactory(false, false, false, false, bytes32(0), bytes32(0), "factory5 (no device, no compose hash)");
    }

    // --- the check itself must be able to fail ------------------------------------------------

    /// assertLogs tells a reordered, a shorter and an altered sequence from the expected one.
    function test_assertLogs_detectsDifferences() public view {
        Vm.Log[] memory want = new Vm.Log[](2);
        want[0] = _log(address(1), T_UPGRADED, bytes32(uint256(7)), "");
        want[1] = _log(address(1), T_INITIALIZED, abi.encode(uint64(1)));

        Vm.Log[] memory swapped = new Vm.Log[](2);
        swapped[0] = want[1];
        swapped[1] = want[0];
        _expectMismatch(swapped, want);

        Vm.Log[] memory shorter = new Vm.Log[](1);
        shorter[0] = want[0];
        _expectMismatch(shorter, want);

        Vm.Log[] memory otherEmitter = new Vm.Log[](2);
        otherEmitter[0] = _log(address(2), T_UPGRADED, bytes32(uint256(7)), "");
        otherEmitter[1] = want[1];
        _expectMismatch(otherEmitter, want);

        Vm.Log[] memory otherData = new Vm.Log[](2);
        otherData[0] = want[0];
        otherData[1] = _log(address(1), T_INITIALIZED, abi.encode(uint64(2)));
        _expectMismatch(otherData, want);

        Vm.Log[] memory otherTopic = new Vm.Log[](2);
        otherTopic[0] = _log(address(1), T_UPGRADED, bytes32(uint256(8)), "");
        otherTopic[1] = want[1];
        _expectMismatch(otherTopic, want);

        this.assertLogsExternal(want, want); // and the same sequence passes
    }

    function assertLogsExternal(Vm.Log[] memory got, Vm.Log[] memory want) external pure {
        assertLogs(got, want, "self-check");
    }

    function _expectMismatch(Vm.Log[] memory got, Vm.Log[] memory want) internal view {
        try this.assertLogsExternal(got, want) {
            assertTrue(false, "assertLogs accepted a different sequence");
        } catch {}
    }

    // --- helpers ------------------------------------------------------------------------------

    function _checkApp6(bool disable, bool requireTcb, bool anyDevice, bytes32 dev, bytes32 ch, string memory what)
        internal
    {
        DstackApp impl = new DstackApp();
        bytes memory init = abi.encodeWithSignature(APP_INIT6, appOwner, disable, requireTcb, anyDevice, dev, ch);
        vm.recordLogs();
        vm.prank(deployer);
        address app = address(new ERC1967Proxy(address(impl), init));
        Vm.Log[] memory got = vm.getRecordedLogs();
        assertLogs(got, _appInitLogs(app, address(impl), deployer, dev, ch), what);
        assertEq(DstackApp(app).requireTcbUpToDate(), requireTcb, "requireTcbUpToDate");
    }

    function _checkApp5(bool disable, bool anyDevice, bytes32 dev, bytes32 ch, string memory what) internal {
        DstackApp impl = new DstackApp();
        bytes memory init = abi.encodeWithSignature(APP_INIT5, appOwner, disable, anyDevice, dev, ch);
        vm.recordLogs();
        vm.prank(deployer);
        address app = address(new ERC1967Proxy(address(impl), init));
        Vm.Log[] memory got = vm.getRecordedLogs();
        assertLogs(got, _appInitLogs(app, address(impl), deployer, dev, ch), what);
        assertFalse(DstackApp(app).requireTcbUpToDate(), "requireTcbUpToDate");
    }

    function _checkFactory(
        bool sixArgs,
        bool disable,
        bool requireTcb,
        bool anyDevice,
        bytes32 dev,
        bytes32 ch,
        string memory what
    ) internal {
        DstackApp appImpl = new DstackApp();
        DstackKms kms = deployKms(owner, address(appImpl));
        bytes memory call = sixArgs
            ? abi.encodeWithSignature(DEPLOY6, appOwner, disable, requireTcb, anyDevice, dev, ch)
            : abi.encodeWithSignature(DEPLOY5, appOwner, disable, anyDevice, dev, ch);
        vm.recordLogs();
        vm.prank(deployer); // anyone may use the factory
        (bool ok, bytes memory ret) = address(kms).call(call);
        Vm.Log[] memory got = vm.getRecordedLogs();
        assertTrue(ok, "deployAndRegisterApp failed");
        address app = abi.decode(ret, (address));

        // the new proxy's logs: its initializer runs with the KMS as msg.sender
        Vm.Log[] memory appLogs = _appInitLogs(app, address(appImpl), address(kms), dev, ch);
        Vm.Log[] memory want = new Vm.Log[](appLogs.length + 3);
        for (uint256 i = 0; i < appLogs.length; i++) want[i] = appLogs[i];
        // then the KMS's: registration, its audit event, the factory event
        uint256 n = appLogs.length;
        want[n] = _log(address(kms), T_APP_REGISTERED, abi.encode(app));
        want[n + 1] = _policy(address(kms), deployer, P_REGISTERED_APP, addrTopic(app), true);
        want[n + 2] = _log(address(kms), T_DEPLOYED, addrTopic(app), addrTopic(deployer), "");
        assertLogs(got, want, what);
        assertTrue(kms.registeredApps(app), "registered");
        assertEq(DstackApp(app).owner(), appOwner, "app owner");
    }

    /// The deployed order of a DstackApp proxy's creation logs (see the contract's notice).
    function _appInitLogs(address app, address impl, address actor, bytes32 dev, bytes32 ch)
        internal
        view
        returns (Vm.Log[] memory logs)
    {
        uint256 n = 3 + (dev != bytes32(0) ? 2 : 0) + (ch != bytes32(0) ? 2 : 0);
        logs = new Vm.Log[](n);
        uint256 i = 0;
        logs[i++] = _log(app, T_UPGRADED, addrTopic(impl), "");
        if (dev != bytes32(0)) {
            logs[i++] = _log(app, T_DEVICE_ADDED, abi.encode(dev));
            logs[i++] = _policy(app, actor, P_DEVICE, dev, true);
        }
        if (ch != bytes32(0)) {
            logs[i++] = _log(app, T_COMPOSE_ADDED, abi.encode(ch));
            logs[i++] = _policy(app, actor, P_COMPOSE_HASH, ch, true);
        }
        logs[i++] = _log(app, T_OWNERSHIP, bytes32(0), addrTopic(appOwner), "");
        logs[i++] = _log(app, T_INITIALIZED, abi.encode(uint64(1)));
        assertEq(i, n, "expected log count");
    }

    function _log(address emitter, bytes32 t0, bytes memory data) internal pure returns (Vm.Log memory l) {
        l.emitter = emitter;
        l.topics = new bytes32[](1);
        l.topics[0] = t0;
        l.data = data;
    }

    function _log(address emitter, bytes32 t0, bytes32 t1, bytes memory data) internal pure returns (Vm.Log memory l) {
        l.emitter = emitter;
        l.topics = new bytes32[](2);
        l.topics[0] = t0;
        l.topics[1] = t1;
        l.data = data;
    }

    function _log(address emitter, bytes32 t0, bytes32 t1, bytes32 t2, bytes memory data)
        internal
        pure
        returns (Vm.Log memory l)
    {
        l.emitter = emitter;
        l.topics = new bytes32[](3);
        l.topics[0] = t0;
        l.topics[1] = t1;
        l.topics[2] = t2;
        l.data = data;
    }

    /// PolicyChanged(actor, policy, value, enabled): three indexed arguments, `enabled` as data.
    function _policy(address emitter, address actor, bytes32 policy, bytes32 value, bool enabled)
        internal
        pure
        returns (Vm.Log memory l)
    {
        l.emitter = emitter;
        l.topics = new bytes32[](4);
        l.topics[0] = T_POLICY;
        l.topics[1] = addrTopic(actor);
        l.topics[2] = policy;
        l.topics[3] = value;
        l.data = abi.encode(enabled);
    }

    /// `got` equals `want` log for log: emitter, event (topic 0), topic count, every other topic and
    /// the data; then the number of logs (so a missing or an extra log fails too). Messages name
    /// the log's index.
    function assertLogs(Vm.Log[] memory got, Vm.Log[] memory want, string memory what) internal pure {
        uint256 common = got.length < want.length ? got.length : want.length;
        for (uint256 i = 0; i < common; i++) {
            string memory at = string.concat(what, ": log ", vm.toString(i));
            assertEq(got[i].emitter, want[i].emitter, string.concat(at, " emitter"));
            // topic 0 first: a log out of place then fails as "wrong event", not "wrong topic count"
            if (got[i].topics.length > 0 && want[i].topics.length > 0) {
                assertEq(got[i].topics[0], want[i].topics[0], string.concat(at, " event (topic 0)"));
            }
            assertEq(got[i].topics.length, want[i].topics.length, string.concat(at, " topic count"));
            for (uint256 t = 1; t < want[i].topics.length; t++) {
                assertEq(got[i].topics[t], want[i].topics[t], string.concat(at, " topic ", vm.toString(t)));
            }
            assertEq(got[i].data, want[i].data, string.concat(at, " data"));
        }
        assertEq(got.length, want.length, string.concat(what, ": number of logs"));
    }
}
