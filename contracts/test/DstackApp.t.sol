// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Fixtures, Errors} from "./utils/Fixtures.sol";
import {Vm} from "./utils/TestBase.sol";
import {DstackApp} from "../src/DstackApp.sol";
import {IAppAuth} from "../src/IAppAuth.sol";
import {IAppAuthBasicManagement} from "../src/IAppAuthBasicManagement.sol";
import {DstackAppV2} from "./mocks/DstackAppV2.sol";
import {NoAuthApp} from "./mocks/MockApps.sol";

/// @notice DstackApp: every function, revert, event, decision path, ownership and upgrade rule.
contract DstackAppTest is Fixtures {
    DstackApp internal app;

    function setUp() public {
        app = deployApp(owner, false, false, false, DEV, CH);
    }

    // ------------------------------------------------------------------ initialization

    function test_initialize6_setsStateAndEmitsInOrder() public {
        DstackApp impl = new DstackApp();
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        vm.expectEmit(true, true, true, true, predicted);
        emit Upgraded(address(impl));
        vm.expectEmit(true, true, true, true, predicted);
        emit OwnershipTransferred(address(0), owner);
        vm.expectEmit(true, true, true, true, predicted);
        emit DeviceAdded(DEV);
        vm.expectEmit(true, true, true, true, predicted);
        emit PolicyChanged(address(this), P_DEVICE, DEV, true);
        vm.expectEmit(true, true, true, true, predicted);
        emit ComposeHashAdded(CH);
        vm.expectEmit(true, true, true, true, predicted);
        emit PolicyChanged(address(this), P_COMPOSE_HASH, CH, true);
        vm.expectEmit(true, true, true, true, predicted);
        emit Initialized(1);
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

    function test_addComposeHash() public {
        bytes32 h = keccak256("compose-2");
        vm.expectEmit(true, true, true, true, address(app));
        emit ComposeHashAdded(h);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_COMPOSE_HASH, h, true);
        vm.prank(owner);
        app.addComposeHash(h);
        assertTrue(app.allowedComposeHashes(h));
        assertEq(vm.load(address(app), mapSlot(h, 0)), bytes32(uint256(1)), "slot 0 mapping");
    }

    function test_removeComposeHash() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit ComposeHashRemoved(CH);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_COMPOSE_HASH, CH, false);
        vm.prank(owner);
        app.removeComposeHash(CH);
        assertFalse(app.allowedComposeHashes(CH));
    }

    function test_addDevice() public {
        bytes32 d = keccak256("device-2");
        vm.expectEmit(true, true, true, true, address(app));
        emit DeviceAdded(d);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_DEVICE, d, true);
        vm.prank(owner);
        app.addDevice(d);
        assertTrue(app.allowedDeviceIds(d));
        assertEq(vm.load(address(app), mapSlot(d, 2)), bytes32(uint256(1)), "slot 2 mapping");
    }

    function test_removeDevice() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit DeviceRemoved(DEV);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_DEVICE, DEV, false);
        vm.prank(owner);
        app.removeDevice(DEV);
        assertFalse(app.allowedDeviceIds(DEV));
    }

    function test_setAllowAnyDevice() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit AllowAnyDeviceSet(true);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_ALLOW_ANY_DEVICE, bytes32(0), true);
        vm.prank(owner);
        app.setAllowAnyDevice(true);
        assertTrue(app.allowAnyDevice());
        assertEq(uint256(vm.load(address(app), bytes32(uint256(1)))), 0x0100, "slot 1 byte 1");

        vm.expectEmit(true, true, true, true, address(app));
        emit AllowAnyDeviceSet(false);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_ALLOW_ANY_DEVICE, bytes32(0), false);
        vm.prank(owner);
        app.setAllowAnyDevice(false);
        assertFalse(app.allowAnyDevice());
    }

    function test_setRequireTcbUpToDate() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit RequireTcbUpToDateSet(true);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_REQUIRE_TCB, bytes32(0), true);
        vm.prank(owner);
        app.setRequireTcbUpToDate(true);
        assertTrue(app.requireTcbUpToDate());
        assertEq(uint256(vm.load(address(app), bytes32(uint256(3)))), 1, "slot 3");

        vm.expectEmit(true, true, true, true, address(app));
        emit RequireTcbUpToDateSet(false);
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_REQUIRE_TCB, bytes32(0), false);
        vm.prank(owner);
        app.setRequireTcbUpToDate(false);
        assertFalse(app.requireTcbUpToDate());
    }

    function test_disableUpgrades_isPermanent() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit UpgradesDisabled();
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_UPGRADES_DISABLED, bytes32(0), true);
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

    function ownerOnlyCalls() internal returns (bytes[] memory c) {
        c = new bytes[](8);
        c[0] = abi.encodeCall(DstackApp.addComposeHash, (keccak256("a")));
        c[1] = abi.encodeCall(DstackApp.removeComposeHash, (CH));
        c[2] = abi.encodeCall(DstackApp.addDevice, (keccak256("b")));
        c[3] = abi.encodeCall(DstackApp.removeDevice, (DEV));
        c[4] = abi.encodeCall(DstackApp.setAllowAnyDevice, (true));
        c[5] = abi.encodeCall(DstackApp.setRequireTcbUpToDate, (true));
        c[6] = abi.encodeCall(DstackApp.disableUpgrades, ());
        c[7] = abi.encodeCall(app.upgradeToAndCall, (address(new DstackAppV2()), bytes("")));
    }

    function test_ownerOnly_everyFunctionRefusesOthers() public {
        bytes[] memory calls = ownerOnlyCalls();
        address[3] memory others = [stranger, newOwner, address(this)];
        vm.prank(owner);
        app.transferOwnership(newOwner); // a pending owner is not an owner either
        for (uint256 w = 0; w < others.length; w++) {
            for (uint256 i = 0; i < calls.length; i++) {
                vm.prank(others[w]);
                (bool ok, bytes memory ret) = address(app).call(calls[i]);
                assertFalse(ok, "non-owner call succeeded");
                assertEq(ret, unauthorized(others[w]), "revert data");
            }
        }
        assertTrue(app.allowedComposeHashes(CH) && app.allowedDeviceIds(DEV), "unchanged");
        // ownership functions themselves
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        app.transferOwnership(stranger);
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        app.renounceOwnership();
    }

    function testFuzz_ownerOnly(address caller, uint8 which) public {
        vm.assume(caller != owner);
        bytes[] memory calls = ownerOnlyCalls();
        vm.prank(caller);
        (bool ok, bytes memory ret) = address(app).call(calls[which % calls.length]);
        assertFalse(ok);
        assertEq(ret, unauthorized(caller));
    }

    function test_ownerOnly_ownerSucceedsOnEveryFunction() public {
        bytes[] memory calls = ownerOnlyCalls();
        for (uint256 i = 0; i < calls.length; i++) {
            // upgrade before disableUpgrades: run the upgrade (index 7) first
            uint256 j = i == 0 ? 7 : i - 1;
            vm.prank(owner);
            (bool ok,) = address(app).call(calls[j]);
            assertTrue(ok, "owner call failed");
        }
    }

    // ------------------------------------------------------------------ Ownable2Step

    function test_ownable2Step_transferAndAccept() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit OwnershipTransferStarted(owner, newOwner);
        vm.prank(owner);
        app.transferOwnership(newOwner);
        assertEq(app.owner(), owner, "owner unchanged until accepted");
        assertEq(app.pendingOwner(), newOwner);
        // the old owner still governs meanwhile
        vm.prank(owner);
        app.addDevice(keccak256("meanwhile"));

        vm.expectEmit(true, true, true, true, address(app));
        emit OwnershipTransferred(owner, newOwner);
        vm.prank(newOwner);
        app.acceptOwnership();
        assertEq(app.owner(), newOwner);
        assertEq(app.pendingOwner(), address(0));

        vm.prank(owner);
        vm.expectRevert(unauthorized(owner));
        app.addDevice(keccak256("late"));
        vm.prank(newOwner);
        app.addDevice(keccak256("now"));
    }

    function test_ownable2Step_acceptByStrangerReverts() public {
        vm.prank(owner);
        app.transferOwnership(newOwner);
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        app.acceptOwnership();
        vm.prank(owner);
        vm.expectRevert(unauthorized(owner)); // even the current owner cannot accept for someone else
        app.acceptOwnership();
        assertEq(app.owner(), owner);
        assertEq(app.pendingOwner(), newOwner);
    }

    function test_ownable2Step_overridePendingTransfer() public {
        vm.startPrank(owner);
        app.transferOwnership(newOwner);
        vm.expectEmit(true, true, true, true, address(app));
        emit OwnershipTransferStarted(owner, stranger);
        app.transferOwnership(stranger);
        vm.stopPrank();
        assertEq(app.pendingOwner(), stranger);
        vm.prank(newOwner);
        vm.expectRevert(unauthorized(newOwner));
        app.acceptOwnership();
        vm.prank(stranger);
        app.acceptOwnership();
        assertEq(app.owner(), stranger);

        // cancelling: transferOwnership(0) clears the pending owner
        vm.prank(stranger);
        app.transferOwnership(newOwner);
        vm.prank(stranger);
        app.transferOwnership(address(0));
        assertEq(app.pendingOwner(), address(0));
        vm.prank(newOwner);
        vm.expectRevert(unauthorized(newOwner));
        app.acceptOwnership();
    }

    function test_renounceOwnership_locksPolicy() public {
        vm.expectEmit(true, true, true, true, address(app));
        emit OwnershipTransferred(owner, address(0));
        vm.prank(owner);
        app.renounceOwnership();
        assertEq(app.owner(), address(0));
        vm.prank(owner);
        vm.expectRevert(unauthorized(owner));
        app.addComposeHash(keccak256("z"));
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
        assertEq(DstackApp.PolicyChanged.selector, keccak256("PolicyChanged(address,bytes32,bytes32,bool)"));
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
        vm.expectEmit(true, true, true, true, address(app));
        emit PolicyChanged(owner, P_UPGRADE, addrTopic(address(v2)), true);
        vm.expectEmit(true, true, true, true, address(app));
        emit Upgraded(address(v2));
        vm.prank(owner);
        app.upgradeToAndCall(address(v2), "");

        assertEq(implementationOf(address(app)), address(v2));
        assertEq(DstackAppV2(address(app)).versionV2(), 3);
        assertEq(app.version(), 2);
        assertEq(app.owner(), owner);
        assertEq(app.pendingOwner(), newOwner);
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

    function test_upgrade_byStrangerReverts() public {
        address v2 = address(new DstackAppV2());
        vm.prank(stranger);
        vm.expectRevert(unauthorized(stranger));
        app.upgradeToAndCall(v2, "");
        assertTrue(implementationOf(address(app)) != v2);
    }

    function test_upgrade_toNonUupsContractReverts() public {
        address notUups = address(new NoAuthApp());
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Errors.ERC1967InvalidImplementation.selector, notUups));
        app.upgradeToAndCall(notUups, "");
    }

    function test_upgrade_onImplementationDirectlyReverts() public {
        address impl = implementationOf(address(app));
        address v2 = address(new DstackAppV2());
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Errors.UUPSUnauthorizedCallContext.selector));
        DstackApp(impl).upgradeToAndCall(v2, "");
        assertEq(DstackApp(impl).proxiableUUID(), IMPL_SLOT);
        vm.expectRevert(abi.encodeWithSelector(Errors.UUPSUnauthorizedCallContext.selector));
        app.proxiableUUID(); // through the proxy: not allowed
    }
}
