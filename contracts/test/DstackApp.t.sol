// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Errors} from "./utils/Fixtures.sol";
import {OwnedUpgradeableTest} from "./utils/OwnedUpgradeableTest.sol";
import {Vm} from "./utils/TestBase.sol";
import {DstackApp} from "../src/DstackApp.sol";
import {IAppAuth} from "../src/IAppAuth.sol";
import {PolicyAudit} from "../src/PolicyAudit.sol";
import {IAppAuthBasicManagement} from "../src/IAppAuthBasicManagement.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {DstackAppV2} from "./mocks/DstackAppV2.sol";
import {NoAuthApp} from "./mocks/MockApps.sol";

/// @notice DstackApp: every function, revert, event, decision path, ownership and upgrade rule.
contract DstackAppTest is OwnedUpgradeableTest {
    DstackApp internal app;

    function setUp() public {
        app = deployApp(owner, false, false, false, DEV, CH);
    }

    // ------------------------------------------------------------------ initialization

    function test_initialize6_setsStateAndEmitsInOrder() public {
        DstackApp impl = new DstackApp();
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        expectAppInitEvents(predicted, address(impl), owner, address(this), DEV, CH);
        vm.recordLogs();
        DstackApp a = DstackApp(
            address(
                new ERC1967Proxy(
                    address(impl), abi.encodeWithSignature(APP_INIT6, owner, true, true, true, DEV, CH)
                )
            )
        );
        assertEq(vm.getRecordedLogs().length, 7, "exactly the expected events");
        assertEq(address(a), predicted);
        assertEq(a.owner(), owner);
        assertEq(a.pendingOwner(), address(0));
        assertTrue(a.requireTcbUpToDate(), "requireTcbUpToDate");
        assertTrue(a.allowAnyDevice(), "allowAnyDevice");
        assertTrue(a.allowedDeviceIds(DEV), "device");
        assertTrue(a.allowedComposeHashes(CH), "compose hash");
        assertEq(implementationOf(address(a)), address(impl));
        // _upgradesDisabled (private) and allowAnyDevice share slot 1: bytes 0 and 1.
        assertEq(uint256(vm.load(address(a), bytes32(uint256(1)))), 0x0101, "slot 1 packing");
    }

    function test_initialize5_keepsRequireTcbFalse() public {
        DstackApp impl = new DstackApp();
        DstackApp a = DstackApp(
            address(
                new ERC1967Proxy(address(impl), abi.encodeWithSignature(APP_INIT5, owner, true, false, DEV, CH))
            )
        );
        assertEq(a.owner(), owner);
        assertFalse(a.requireTcbUpToDate(), "requireTcbUpToDate");
        assertFalse(a.allowAnyDevice(), "allowAnyDevice");
        assertTrue(a.allowedDeviceIds(DEV));
        assertTrue(a.allowedComposeHashes(CH));
        assertEq(uint256(vm.load(address(a), bytes32(uint256(1)))), 0x01, "upgrades disabled, any device off");
        address v2 = address(new DstackAppV2());
        vm.prank(owner);
        vm.expectRevert(revertString("Upgrades are permanently disabled"));
        a.upgradeToAndCall(v2, "");
    }

    function test_initialize_zeroDeviceAndComposeHashAreSkipped() public {
        DstackApp impl = new DstackApp();
        vm.recordLogs();
        DstackApp a = DstackApp(
            address(
                new ERC1967Proxy(
                    address(impl), abi.encodeWithSignature(APP_INIT6, owner, false, false, false, bytes32(0), bytes32(0))
                )
            )
        );
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 3, "Upgraded, OwnershipTransferred, Initialized only");
        assertEq(logs[0].topics[0], Upgraded.selector);
        assertEq(logs[1].topics[0], OwnershipTransferred.selector);
        assertEq(logs[2].topics[0], Initialized.selector);
        assertFalse(a.allowedDeviceIds(bytes32(0)));
        assertFalse(a.allowedComposeHashes(bytes32(0)));
    }

    function test_initialize6_revertsOnZeroOwner() public {
        DstackApp impl = new DstackApp();
        vm.expectRevert(revertString("invalid owner address"));
        new ERC1967Proxy(address(impl), abi.encodeWithSignature(APP_INIT6, address(0), false, false, false, DEV, CH));
    }

    function test_initialize5_revertsOnZeroOwner() public {
        DstackApp impl = new DstackApp();
        vm.expectRevert(revertString("invalid owner address"));
        new ERC1967Proxy(address(impl), abi.encodeWithSignature(APP_INIT5, address(0), false, false, DEV, CH));
    }

    function test_implementation_initializersLocked() public {
        DstackApp impl = new DstackApp();
        (bool ok, bytes memory ret) =
            address(impl).call(abi.encodeWithSignature(APP_INIT6, owner, false, false, false, DEV, CH));
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        (ok, ret) = address(impl).call(abi.encodeWithSignature(APP_INIT5, owner, false, false, DEV, CH));
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        assertEq(impl.owner(), address(0), "implementation has no owner");
    }

    function test_proxy_secondInitializeReverts() public {
        vm.startPrank(owner);
        (bool ok, bytes memory ret) =
            address(app).call(abi.encodeWithSignature(APP_INIT6, owner, false, false, false, DEV, CH));
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        (ok, ret) = address(app).call(abi.encodeWithSignature(APP_INIT5, stranger, false, true, DEV, CH));
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        vm.stopPrank();
        assertEq(app.owner(), owner);
        assertFalse(app.allowAnyDevice());
    }

    function test_version() public view {
        assertEq(app.version(), 2);
    }

    // ------------------------------------------------------------------ setters and events

    function test_addRemoveComposeHash() public {
        // a new value, then CH (allowed by setUp: adding it again is harmless, removing it works)
        bytes32[2] memory values = [keccak256("compose-2"), CH];
        for (uint256 i = 0; i < values.length; i++) {
            checkAllowlist(
                app.addComposeHash,
                app.removeComposeHash,
                app.allowedComposeHashes,
                ComposeHashAdded.selector,
                ComposeHashRemoved.selector,
                P_COMPOSE_HASH,
                values[i],
                0
            );
        }
    }

    function test_addRemoveDevice() public {
        bytes32[2] memory values = [keccak256("device-2"), DEV];
        for (uint256 i = 0; i < values.length; i++) {
            checkAllowlist(
                app.addDevice,
                app.removeDevice,
                app.allowedDeviceIds,
                DeviceAdded.selector,
                DeviceRemoved.selector,
                P_DEVICE,
                values[i],
                2
            );
        }
    }

    /// The owner sets a flag on, then off: each step's two events, the getter and the raw slot.
    function checkFlag(
        function(bool) external set,
        function() external view returns (bool) get,
        bytes32 topic0,
        bytes32 policy,
        uint256 slot,
        uint256 slotWhenOn
    ) internal {
        for (uint256 i = 0; i < 2; i++) {
            bool on = i == 0;
            expectWordEvent(address(app), topic0, bytes32(uint256(on ? 1 : 0)));
            expectPolicyChanged(address(app), owner, policy, bytes32(0), on);
            vm.prank(owner);
            set(on);
            assertEq(get(), on, "flag");
            assertEq(uint256(vm.load(address(app), bytes32(slot))), on ? slotWhenOn : 0, "flag slot");
        }
    }

    function test_setAllowAnyDevice() public {
        // slot 1: _upgradesDisabled in byte 0, allowAnyDevice in byte 1
        checkFlag(app.setAllowAnyDevice, app.allowAnyDevice, AllowAnyDeviceSet.selector, P_ALLOW_ANY_DEVICE, 1, 0x0100);
    }

    function test_setRequireTcbUpToDate() public {
        checkFlag(app.setRequireTcbUpToDate, app.requireTcbUpToDate, RequireTcbUpToDateSet.selector, P_REQUIRE_TCB, 3, 1);
    }

    function test_disableUpgrades_isPermanent() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit UpgradesDisabled();
        expectPolicyChanged(address(app), owner, P_UPGRADES_DISABLED, bytes32(0), true);
        vm.prank(owner);
        app.disableUpgrades();
        assertEq(uint256(vm.load(address(app), bytes32(uint256(1)))) & 0xff, 1, "slot 1 byte 0");

        address v2 = address(new DstackAppV2());
        vm.prank(owner);
        vm.expectRevert(revertString("Upgrades are permanently disabled"));
        app.upgradeToAndCall(v2, "");

        // Every other setter, a second disable, and a new owner leave it disabled.
        vm.startPrank(owner);
        app.disableUpgrades();
        app.setAllowAnyDevice(true);
        app.setAllowAnyDevice(false);
        app.setRequireTcbUpToDate(true);
        app.addDevice(keccak256("x"));
        app.addComposeHash(keccak256("y"));
        app.transferOwnership(newOwner);
        vm.stopPrank();
        vm.prank(newOwner);
        app.acceptOwnership();
        vm.prank(newOwner);
        vm.expectRevert(revertString("Upgrades are permanently disabled"));
        app.upgradeToAndCall(v2, "");
        // A stranger is refused as a stranger first.
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        app.upgradeToAndCall(v2, "");
        assertEq(uint256(vm.load(address(app), bytes32(uint256(1)))) & 0xff, 1, "still disabled");
    }

    // ------------------------------------------------------------------ access control

    // The owner-only, Ownable2Step and upgrade checks shared with DstackKms: OwnedUpgradeableTest.

    function target() internal view override returns (address) {
        return address(app);
    }

    function ownerOnlyCalls() internal override returns (bytes[] memory c) {
        c = new bytes[](8);
        c[0] = abi.encodeCall(app.upgradeToAndCall, (address(new DstackAppV2()), bytes(""))); // before disableUpgrades
        c[1] = abi.encodeCall(DstackApp.addComposeHash, (keccak256("a")));
        c[2] = abi.encodeCall(DstackApp.removeComposeHash, (CH));
        c[3] = abi.encodeCall(DstackApp.addDevice, (keccak256("b")));
        c[4] = abi.encodeCall(DstackApp.removeDevice, (DEV));
        c[5] = abi.encodeCall(DstackApp.setAllowAnyDevice, (true));
        c[6] = abi.encodeCall(DstackApp.setRequireTcbUpToDate, (true));
        c[7] = abi.encodeCall(DstackApp.disableUpgrades, ());
    }

    function policyCall(bytes32 tag) internal pure override returns (bytes memory) {
        return abi.encodeCall(DstackApp.addDevice, (tag));
    }

    function policyApplied(bytes32 tag) internal view override returns (bool) {
        return app.allowedDeviceIds(tag);
    }

    function assertPolicyUnchanged() internal view override {
        assertTrue(app.allowedComposeHashes(CH) && app.allowedDeviceIds(DEV), "unchanged");
        assertFalse(app.allowAnyDevice() || app.requireTcbUpToDate(), "flags unchanged");
        assertEq(uint256(vm.load(address(app), bytes32(uint256(1)))), 0, "upgrades still enabled");
    }

    function newImplementation() internal override returns (address) {
        return address(new DstackAppV2());
    }

    function notUupsContract() internal override returns (address) {
        return address(new NoAuthApp());
    }

    // ------------------------------------------------------------------ decisions

    function info() internal pure returns (IAppAuth.AppBootInfo memory) {
        return goodInfo(address(0xA99));
    }

    function test_isAppAllowed_allowed() public view {
        (bool ok, string memory reason) = app.isAppAllowed(info());
        assertDecision(ok, reason, true, "");
    }

    function test_isAppAllowed_composeHashNotAllowed() public view {
        IAppAuth.AppBootInfo memory b = info();
        b.composeHash = keccak256("other");
        (bool ok, string memory reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, false, R_COMPOSE);
        b.deviceId = keccak256("other-device"); // compose check comes first
        (ok, reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, false, R_COMPOSE);
    }

    function test_isAppAllowed_deviceNotAllowed_unlessAnyDevice() public {
        IAppAuth.AppBootInfo memory b = info();
        b.deviceId = keccak256("other-device");
        (bool ok, string memory reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, false, R_DEVICE);
        vm.prank(owner);
        app.setAllowAnyDevice(true);
        (ok, reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, true, "");
        vm.prank(owner);
        app.removeDevice(DEV);
        (ok, reason) = app.isAppAllowed(info());
        assertDecision(ok, reason, true, "");
    }

    function test_isAppAllowed_tcbOnlyWhenRequired() public {
        IAppAuth.AppBootInfo memory b = info();
        b.tcbStatus = "OutOfDate";
        (bool ok, string memory reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, true, "");
        vm.prank(owner);
        app.setRequireTcbUpToDate(true);
        (ok, reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, false, R_TCB);
        // the TCB check comes before the compose-hash and device checks
        b.composeHash = bytes32(0);
        b.deviceId = bytes32(0);
        (ok, reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, false, R_TCB);
        (ok, reason) = app.isAppAllowed(info());
        assertDecision(ok, reason, true, "");
    }

    function test_isAppAllowed_tcbStatusMustBeExact() public {
        vm.prank(owner);
        app.setRequireTcbUpToDate(true);
        string[9] memory bad = [
            "", "uptodate", "UPTODATE", "UpToDate ", " UpToDate", "UpToDat", "UpToDateX", "OutOfDate",
            "SWHardeningNeeded"
        ];
        IAppAuth.AppBootInfo memory b = info();
        for (uint256 i = 0; i < bad.length; i++) {
            b.tcbStatus = bad[i];
            (bool ok, string memory reason) = app.isAppAllowed(b);
            assertDecision(ok, reason, false, R_TCB);
        }
        b.tcbStatus = string(abi.encodePacked("UpToDate", bytes1(0)));
        (bool ok2, string memory reason2) = app.isAppAllowed(b);
        assertDecision(ok2, reason2, false, R_TCB);
    }

    function test_isAppAllowed_ignoresOtherFields() public view {
        IAppAuth.AppBootInfo memory b = info();
        b.appId = address(0);
        b.instanceId = address(0);
        b.mrAggregated = keccak256("anything");
        b.mrSystem = bytes32(0);
        b.osImageHash = keccak256("not-checked-by-the-app");
        b.advisoryIds = new string[](3);
        (bool ok, string memory reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, true, "");
    }

    function testFuzz_tcbStatus(string memory status) public {
        vm.prank(owner);
        app.setRequireTcbUpToDate(true);
        IAppAuth.AppBootInfo memory b = info();
        b.tcbStatus = status;
        bool exact = keccak256(bytes(status)) == keccak256("UpToDate");
        (bool ok, string memory reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, exact, exact ? "" : R_TCB);
    }

    // ------------------------------------------------------------------ interfaces and ABI

    function test_supportsInterface() public view {
        assertTrue(app.supportsInterface(IAPPAUTH_ID), "IAppAuth");
        assertTrue(app.supportsInterface(IAPPAUTH_BASIC_MANAGEMENT_ID), "IAppAuthBasicManagement");
        assertTrue(app.supportsInterface(IERC165_ID), "IERC165");
        assertFalse(app.supportsInterface(0xffffffff), "0xffffffff");
        assertFalse(app.supportsInterface(0x12345678), "random");
        assertEq(type(IAppAuth).interfaceId, IAPPAUTH_ID);
        assertEq(type(IAppAuthBasicManagement).interfaceId, IAPPAUTH_BASIC_MANAGEMENT_ID);
    }

    /// Both interfaces extend OpenZeppelin's IERC165, as the deployed ones do: the conversions
    /// below compile only then, and supportsInterface answers through either type. Their ids
    /// leave the inherited supportsInterface out.
    function test_interfacesExtendIERC165() public view {
        IAppAuth auth = app;
        IAppAuthBasicManagement management = app;
        IERC165 viaAuth = auth;
        IERC165 viaManagement = management;
        assertTrue(viaAuth.supportsInterface(IAPPAUTH_ID), "IAppAuth via IERC165");
        assertTrue(viaManagement.supportsInterface(IAPPAUTH_BASIC_MANAGEMENT_ID), "management via IERC165");
        assertTrue(auth.supportsInterface(IERC165_ID), "IERC165 via IAppAuth");
        assertTrue(management.supportsInterface(IERC165_ID), "IERC165 via IAppAuthBasicManagement");
        assertEq(type(IERC165).interfaceId, IERC165_ID);
        assertEq(type(IAppAuth).interfaceId, IAPPAUTH_ID);
        assertEq(type(IAppAuthBasicManagement).interfaceId, IAPPAUTH_BASIC_MANAGEMENT_ID);
    }

    function test_interfaceIdsFromSignatures() public pure {
        bytes4 isAllowed = bytes4(
            keccak256("isAppAllowed((address,bytes32,address,bytes32,bytes32,bytes32,bytes32,string,string[]))")
        );
        assertEq(isAllowed, IAPPAUTH_ID);
        bytes4 basic = bytes4(keccak256("addComposeHash(bytes32)")) ^ bytes4(keccak256("removeComposeHash(bytes32)"))
            ^ bytes4(keccak256("addDevice(bytes32)")) ^ bytes4(keccak256("removeDevice(bytes32)"));
        assertEq(basic, IAPPAUTH_BASIC_MANAGEMENT_ID);
    }

    function test_selectorsMatchReferenceSignatures() public view {
        assertEq(DstackApp.isAppAllowed.selector, IAPPAUTH_ID);
        assertEq(DstackApp.setAllowAnyDevice.selector, bytes4(keccak256("setAllowAnyDevice(bool)")));
        assertEq(DstackApp.setRequireTcbUpToDate.selector, bytes4(keccak256("setRequireTcbUpToDate(bool)")));
        assertEq(DstackApp.disableUpgrades.selector, bytes4(keccak256("disableUpgrades()")));
        assertEq(DstackApp.version.selector, bytes4(keccak256("version()")));
        assertEq(app.allowedComposeHashes.selector, bytes4(keccak256("allowedComposeHashes(bytes32)")));
        assertEq(app.allowedDeviceIds.selector, bytes4(keccak256("allowedDeviceIds(bytes32)")));
        assertEq(app.allowAnyDevice.selector, bytes4(keccak256("allowAnyDevice()")));
        assertEq(app.requireTcbUpToDate.selector, bytes4(keccak256("requireTcbUpToDate()")));
        assertEq(bytes4(keccak256(bytes(APP_INIT6))), bytes4(0x9ed28193));
    }

    function test_eventTopicsMatchReferenceSignatures() public pure {
        assertEq(PolicyAudit.PolicyChanged.selector, keccak256("PolicyChanged(address,bytes32,bytes32,bool)"));
        assertEq(DstackApp.AllowAnyDeviceSet.selector, keccak256("AllowAnyDeviceSet(bool)"));
        assertEq(DstackApp.RequireTcbUpToDateSet.selector, keccak256("RequireTcbUpToDateSet(bool)"));
        assertEq(DstackApp.UpgradesDisabled.selector, keccak256("UpgradesDisabled()"));
        assertEq(IAppAuthBasicManagement.ComposeHashAdded.selector, keccak256("ComposeHashAdded(bytes32)"));
        assertEq(IAppAuthBasicManagement.ComposeHashRemoved.selector, keccak256("ComposeHashRemoved(bytes32)"));
        assertEq(IAppAuthBasicManagement.DeviceAdded.selector, keccak256("DeviceAdded(bytes32)"));
        assertEq(IAppAuthBasicManagement.DeviceRemoved.selector, keccak256("DeviceRemoved(bytes32)"));
    }

    // ------------------------------------------------------------------ upgrades

    function test_upgrade_byOwnerKeepsEveryValue() public {
        bytes32[] memory hashes = new bytes32[](5);
        vm.startPrank(owner);
        for (uint256 i = 0; i < hashes.length; i++) {
            hashes[i] = keccak256(abi.encode("h", i));
            app.addComposeHash(hashes[i]);
            app.addDevice(hashes[i]);
        }
        app.removeComposeHash(hashes[2]);
        app.removeDevice(hashes[3]);
        app.setAllowAnyDevice(true);
        app.setRequireTcbUpToDate(true);
        app.transferOwnership(newOwner);
        vm.stopPrank();

        DstackAppV2 v2 = new DstackAppV2();
        upgradeAsOwner(address(v2)); // events, implementation, owner and pending owner kept
        assertEq(owned().pendingOwner(), newOwner);
        assertEq(DstackAppV2(address(app)).versionV2(), 3);
        assertEq(app.version(), 2);
        assertTrue(app.allowAnyDevice());
        assertTrue(app.requireTcbUpToDate());
        assertTrue(app.allowedComposeHashes(CH));
        assertTrue(app.allowedDeviceIds(DEV));
        for (uint256 i = 0; i < hashes.length; i++) {
            assertEq(app.allowedComposeHashes(hashes[i]), i != 2, "compose hash kept");
            assertEq(app.allowedDeviceIds(hashes[i]), i != 3, "device kept");
        }
        (bool ok, string memory reason) = app.isAppAllowed(info());
        assertDecision(ok, reason, true, "");
        // still upgradeable, still owner-only, and the pending owner can still accept
        vm.prank(newOwner);
        app.acceptOwnership();
        vm.prank(owner);
        vm.expectRevert(unauthorized(owner));
        app.upgradeToAndCall(address(v2), "");
    }

    function test_upgrade_withCallRunsInNewCode() public {
        DstackAppV2 v2 = new DstackAppV2();
        vm.prank(owner);
        app.upgradeToAndCall(address(v2), abi.encodeCall(DstackApp.addComposeHash, (keccak256("in-upgrade"))));
        assertTrue(app.allowedComposeHashes(keccak256("in-upgrade")));
    }
}
