// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Errors} from "./utils/Fixtures.sol";
import {OwnedUpgradeableTest} from "./utils/OwnedUpgradeableTest.sol";
import {Vm} from "./utils/TestBase.sol";
import {DstackKms} from "../src/DstackKms.sol";
import {DstackApp} from "../src/DstackApp.sol";
import {IAppAuth} from "../src/IAppAuth.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {PolicyAudit} from "../src/PolicyAudit.sol";
import {DstackKmsV2} from "./mocks/DstackKmsV2.sol";
import {DstackAppV2} from "./mocks/DstackAppV2.sol";
import {
    AllowAllApp, DenyWithReasonApp, RevertingApp, RawReturnApp, NoAuthApp
} from "./mocks/MockApps.sol";

/// @notice DstackKms: every function, revert, event, decision path, the factory, ownership and
///         upgrades, and how isAppAllowed treats app contracts that misbehave.
contract DstackKmsTest is OwnedUpgradeableTest {
    DstackKms internal kms;
    DstackApp internal appImpl;

    bytes internal constant K256 = hex"02b4632d08485ff1df2db55b9dafd23347d1c47a457072a1e87be26896549a8737";
    bytes internal constant CA = hex"3059301306072a8648ce3d020106082a8648ce3d03010703420004aa";
    bytes internal constant QUOTE = hex"040002008100";
    bytes internal constant EVENTLOG = bytes('[{"imr":0,"event":"boot"}]');

    function setUp() public {
        appImpl = new DstackApp();
        kms = deployKms(owner, address(appImpl));
    }

    /// Allows OS, MR and DEV at the KMS level.
    function allowKmsDefaults() internal {
        vm.startPrank(owner);
        kms.addOsImageHash(OS);
        kms.addKmsAggregatedMr(MR);
        kms.addKmsDevice(DEV);
        vm.stopPrank();
    }

    function kmsInfoValue() internal pure returns (DstackKms.KmsInfo memory) {
        return DstackKms.KmsInfo({k256Pubkey: K256, caPubkey: CA, quote: QUOTE, eventlog: EVENTLOG});
    }

    // ------------------------------------------------------------------ initialization

    function test_initialize_setsOwnerAndImplementationWithEvents() public {
        DstackKms impl = new DstackKms();
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        vm.expectEmit(true, true, true, true, predicted);
        emit Upgraded(address(impl));
        vm.expectEmit(true, true, true, true, predicted);
        emit OwnershipTransferred(address(0), owner);
        vm.expectEmit(true, true, true, true, predicted);
        emit AppImplementationSet(address(appImpl));
        expectPolicyChanged(predicted, address(this), P_APP_IMPLEMENTATION, addrTopic(address(appImpl)), true);
        vm.expectEmit(true, true, true, true, predicted);
        emit Initialized(1);
        vm.recordLogs();
        DstackKms k = DstackKms(
            address(
                new ERC1967Proxy(address(impl), abi.encodeCall(DstackKms.initialize, (owner, address(appImpl))))
            )
        );
        assertEq(vm.getRecordedLogs().length, 5, "exactly the expected events");
        assertEq(k.owner(), owner);
        assertEq(k.pendingOwner(), address(0));
        assertEq(k.appImplementation(), address(appImpl));
        assertEq(implementationOf(address(k)), address(impl));
        assertEq(k.gatewayAppId(), "");
    }

    function test_initialize_withoutImplementation() public {
        DstackKms impl = new DstackKms();
        vm.recordLogs();
        DstackKms k = DstackKms(
            address(new ERC1967Proxy(address(impl), abi.encodeCall(DstackKms.initialize, (owner, address(0)))))
        );
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 3, "Upgraded, OwnershipTransferred, Initialized only");
        assertEq(logs[1].topics[0], OwnershipTransferred.selector);
        assertEq(k.appImplementation(), address(0));
    }

    function test_initialize_zeroOwnerReverts() public {
        DstackKms impl = new DstackKms();
        vm.expectRevert(abi.encodeWithSelector(Errors.OwnableInvalidOwner.selector, address(0)));
        new ERC1967Proxy(address(impl), abi.encodeCall(DstackKms.initialize, (address(0), address(appImpl))));
    }

    function test_implementation_initializerLocked() public {
        DstackKms impl = new DstackKms();
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        impl.initialize(owner, address(appImpl));
        assertEq(impl.owner(), address(0));
    }

    function test_proxy_secondInitializeReverts() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        kms.initialize(stranger, address(0x1234));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        kms.initialize(stranger, address(0x1234));
        assertEq(kms.owner(), owner);
        assertEq(kms.appImplementation(), address(appImpl));
    }

    // ------------------------------------------------------------------ KMS info and gateway

    function test_setKmsInfo_storesAllFour() public {
        vm.expectEmit(true, true, true, true, address(kms));
        emit KmsInfoSet(K256);
        expectPolicyChanged(address(kms), owner, P_KMS_INFO, keccak256(K256), true);
        vm.prank(owner);
        kms.setKmsInfo(kmsInfoValue());
        assertKmsInfo(kms, K256, CA, QUOTE, EVENTLOG);
        // layout: slots 0-3; K256 is 33 bytes (long form), QUOTE 6 bytes (short form)
        assertEq(uint256(vm.load(address(kms), bytes32(uint256(0)))), 33 * 2 + 1, "slot 0 long bytes");
        assertEq(
            vm.load(address(kms), bytes32(uint256(2))),
            // forge-lint: disable-next-line(unsafe-typecast) -- QUOTE is 6 bytes, the length fits a byte
            bytes32(uint256(bytes32(QUOTE)) | (QUOTE.length * 2)),
            "slot 2 short bytes"
        );
        assertTrue(vm.load(address(kms), bytes32(uint256(1))) != bytes32(0), "slot 1 caPubkey");
        assertTrue(vm.load(address(kms), bytes32(uint256(3))) != bytes32(0), "slot 3 eventlog");
    }

    function test_setKmsInfo_emptyValues() public {
        vm.startPrank(owner);
        kms.setKmsInfo(kmsInfoValue());
        vm.expectEmit(true, true, true, true, address(kms));
        emit KmsInfoSet("");
        expectPolicyChanged(address(kms), owner, P_KMS_INFO, keccak256(""), true);
        kms.setKmsInfo(DstackKms.KmsInfo("", "", "", ""));
        vm.stopPrank();
        assertKmsInfo(kms, "", "", "", "");
    }

    function test_setKmsQuote_onlyThatFieldNoEvent() public {
        vm.startPrank(owner);
        kms.setKmsInfo(kmsInfoValue());
        bytes memory newQuote = new bytes(700);
        newQuote[699] = 0x42;
        vm.recordLogs();
        kms.setKmsQuote(newQuote);
        assertEq(vm.getRecordedLogs().length, 0, "no event");
        vm.stopPrank();
        assertKmsInfo(kms, K256, CA, newQuote, EVENTLOG);
    }

    function test_setKmsEventlog_onlyThatFieldNoEvent() public {
        vm.startPrank(owner);
        kms.setKmsInfo(kmsInfoValue());
        vm.recordLogs();
        kms.setKmsEventlog(bytes("new log"));
        assertEq(vm.getRecordedLogs().length, 0, "no event");
        vm.stopPrank();
        assertKmsInfo(kms, K256, CA, QUOTE, bytes("new log"));
    }

    function test_setGatewayAppId() public {
        string memory id = "0x1234567890abcdef1234567890abcdef12345678";
        vm.expectEmit(true, true, true, true, address(kms));
        emit GatewayAppIdSet(id);
        expectPolicyChanged(address(kms), owner, P_GATEWAY_APP_ID, keccak256(bytes(id)), true);
        vm.prank(owner);
        kms.setGatewayAppId(id);
        assertEq(kms.gatewayAppId(), id);
        assertEq(uint256(vm.load(address(kms), bytes32(uint256(4)))), bytes(id).length * 2 + 1, "slot 4");
        vm.prank(owner);
        kms.setGatewayAppId("");
        assertEq(kms.gatewayAppId(), "");
    }

    // ------------------------------------------------------------------ registry and factory

    function test_registerApp_byAnyone() public {
        address a = address(0xA99);
        vm.expectEmit(true, true, true, true, address(kms));
        emit AppRegistered(a);
        expectPolicyChanged(address(kms), stranger, P_REGISTERED_APP, addrTopic(a), true);
        vm.prank(stranger);
        kms.registerApp(a);
        assertTrue(kms.registeredApps(a));
        assertEq(vm.load(address(kms), mapSlot(addrTopic(a), 5)), bytes32(uint256(1)), "slot 5 mapping");
        vm.prank(owner); // registering again is harmless
        kms.registerApp(a);
        assertTrue(kms.registeredApps(a));
    }

    function test_registerApp_zeroReverts() public {
        vm.expectRevert(revertString("Invalid app ID"));
        kms.registerApp(address(0));
        assertFalse(kms.registeredApps(address(0)));
    }

    function test_setAppImplementation() public {
        address impl2 = address(new DstackAppV2());
        vm.expectEmit(true, true, true, true, address(kms));
        emit AppImplementationSet(impl2);
        expectPolicyChanged(address(kms), owner, P_APP_IMPLEMENTATION, addrTopic(impl2), true);
        vm.prank(owner);
        kms.setAppImplementation(impl2);
        assertEq(kms.appImplementation(), impl2);
        assertEq(vm.load(address(kms), bytes32(uint256(9))), addrTopic(impl2), "slot 9");
    }

    function test_setAppImplementation_zeroReverts() public {
        vm.prank(owner);
        vm.expectRevert(revertString("Invalid implementation address"));
        kms.setAppImplementation(address(0));
        assertEq(kms.appImplementation(), address(appImpl));
    }

    function test_deployAndRegisterApp6_deploysInitializedRegisteredProxy() public {
        address appOwner = address(0xAB);
        address predicted = vm.computeCreateAddress(address(kms), vm.getNonce(address(kms)));
        // events of the new proxy (actor of its policy events: the KMS, which initializes it)
        expectAppInitEvents(predicted, address(appImpl), appOwner, address(kms), DEV, CH);
        // then the KMS's
        vm.expectEmit(true, true, true, true, address(kms));
        emit AppRegistered(predicted);
        expectPolicyChanged(address(kms), stranger, P_REGISTERED_APP, addrTopic(predicted), true);
        vm.expectEmit(true, true, true, true, address(kms));
        emit AppDeployedViaFactory(predicted, stranger);
        vm.recordLogs();
        vm.prank(stranger); // anyone may use the factory
        address appId = kms.deployAndRegisterApp(appOwner, false, true, false, DEV, CH);
        assertEq(vm.getRecordedLogs().length, 10, "exactly the expected events");
        assertEq(appId, predicted);

        DstackApp a = DstackApp(appId);
        assertTrue(kms.registeredApps(appId));
        assertEq(implementationOf(appId), address(appImpl));
        assertEq(a.owner(), appOwner);
        assertTrue(a.requireTcbUpToDate());
        assertFalse(a.allowAnyDevice());
        assertTrue(a.allowedDeviceIds(DEV));
        assertTrue(a.allowedComposeHashes(CH));
        assertEq(uint256(vm.load(appId, bytes32(uint256(1)))), 0, "upgrades enabled, any device off");
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidInitialization.selector));
        a.initialize(stranger, false, false, false, bytes32(0), bytes32(0));

        allowKmsDefaults();
        (bool ok, string memory reason) = kms.isAppAllowed(goodInfo(appId));
        assertDecision(ok, reason, true, "");
        // the new owner governs the app; the KMS owner does not
        vm.prank(owner);
        vm.expectRevert(unauthorized(owner));
        a.addComposeHash(keccak256("x"));
        vm.prank(appOwner);
        a.addComposeHash(keccak256("x"));
    }

    function test_deployAndRegisterApp5_requireTcbFalse() public {
        address appOwner = address(0xAB);
        vm.expectEmit(false, true, false, true, address(kms));
        emit AppDeployedViaFactory(address(0), address(this)); // appId not checked (topic 1 off)
        (bool s, bytes memory ret) =
            address(kms).call(abi.encodeWithSignature(DEPLOY5, appOwner, true, true, bytes32(0), CH));
        assertTrue(s, "deploy failed");
        address appId = abi.decode(ret, (address));
        DstackApp a = DstackApp(appId);
        assertTrue(kms.registeredApps(appId));
        assertEq(a.owner(), appOwner);
        assertFalse(a.requireTcbUpToDate(), "5-arg form: requireTcbUpToDate false");
        assertTrue(a.allowAnyDevice());
        assertFalse(a.allowedDeviceIds(bytes32(0)));
        assertTrue(a.allowedComposeHashes(CH));
        assertEq(uint256(vm.load(appId, bytes32(uint256(1)))), 0x0101, "upgrades disabled, any device on");
        address v2 = address(new DstackAppV2());
        vm.prank(appOwner);
        vm.expectRevert(revertString("Upgrades are permanently disabled"));
        a.upgradeToAndCall(v2, "");
    }

    function test_deployAndRegisterApp_reverts() public {
        (bool s, bytes memory ret) =
            address(kms).call(abi.encodeWithSignature(DEPLOY6, address(0), false, false, false, DEV, CH));
        assertFalse(s);
        assertEq(ret, revertString("Invalid owner address"));
        (s, ret) = address(kms).call(abi.encodeWithSignature(DEPLOY5, address(0), false, false, DEV, CH));
        assertFalse(s);
        assertEq(ret, revertString("Invalid owner address"));

        DstackKms bare = deployKms(owner, address(0));
        // the implementation check comes first, even with a zero owner
        (s, ret) = address(bare).call(abi.encodeWithSignature(DEPLOY6, address(0), false, false, false, DEV, CH));
        assertFalse(s);
        assertEq(ret, revertString("DstackApp implementation not set"));
        (s, ret) = address(bare).call(abi.encodeWithSignature(DEPLOY5, owner, false, false, DEV, CH));
        assertFalse(s);
        assertEq(ret, revertString("DstackApp implementation not set"));
    }

    function test_deployAndRegisterApp_usesCurrentImplementation() public {
        DstackAppV2 impl2 = new DstackAppV2();
        vm.prank(owner);
        kms.setAppImplementation(address(impl2));
        address appId = kms.deployAndRegisterApp(owner, false, false, false, bytes32(0), bytes32(0));
        assertEq(implementationOf(appId), address(impl2));
        assertEq(DstackAppV2(appId).versionV2(), 3);
    }

    function test_deployAndRegisterApp_implementationThatRejectsInitReverts() public {
        // an implementation without the 6-argument initialize: the proxy constructor reverts
        address bogus = address(new NoAuthApp());
        vm.prank(owner);
        kms.setAppImplementation(bogus);
        vm.expectRevert();
        kms.deployAndRegisterApp(owner, false, false, false, DEV, CH);
    }

    // ------------------------------------------------------------------ KMS allowlists

    function test_addRemoveKmsAggregatedMr() public {
        checkAllowlist(
            kms.addKmsAggregatedMr,
            kms.removeKmsAggregatedMr,
            kms.kmsAllowedAggregatedMrs,
            KmsAggregatedMrAdded.selector,
            KmsAggregatedMrRemoved.selector,
            P_KMS_AGGREGATED_MR,
            MR,
            6
        );
    }

    function test_addRemoveKmsDevice() public {
        checkAllowlist(
            kms.addKmsDevice,
            kms.removeKmsDevice,
            kms.kmsAllowedDeviceIds,
            KmsDeviceAdded.selector,
            KmsDeviceRemoved.selector,
            P_KMS_DEVICE,
            DEV,
            7
        );
    }

    function test_addRemoveOsImageHash() public {
        checkAllowlist(
            kms.addOsImageHash,
            kms.removeOsImageHash,
            kms.allowedOsImages,
            OsImageHashAdded.selector,
            OsImageHashRemoved.selector,
            P_OS_IMAGE,
            OS,
            8
        );
    }

    function test_removeNeverAddedStillEmits() public {
        bytes32 x = keccak256("never-added");
        vm.expectEmit(true, true, true, true, address(kms));
        emit OsImageHashRemoved(x);
        expectPolicyChanged(address(kms), owner, P_OS_IMAGE, x, false);
        vm.prank(owner);
        kms.removeOsImageHash(x);
        assertFalse(kms.allowedOsImages(x));
    }

    // ------------------------------------------------------------------ isKmsAllowed

    function test_isKmsAllowed_everyPathInOrder() public {
        IAppAuth.AppBootInfo memory b = goodInfo(address(0));
        (bool ok, string memory reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_OS); // nothing allowed yet; TCB is fine
        b.tcbStatus = "OutOfDate";
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_TCB); // TCB first
        b.tcbStatus = "UpToDate";

        vm.prank(owner);
        kms.addOsImageHash(OS);
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_MR);
        vm.prank(owner);
        kms.addKmsAggregatedMr(MR);
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_KMS_DEVICE);
        vm.prank(owner);
        kms.addKmsDevice(DEV);
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, true, "");
    }

    function test_isKmsAllowed_eachCheckAlone() public {
        allowKmsDefaults();
        IAppAuth.AppBootInfo memory b;

        b = goodInfo(address(0));
        b.tcbStatus = "";
        (bool ok, string memory reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_TCB);

        b = goodInfo(address(0));
        b.osImageHash = keccak256("other-os");
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_OS);

        b = goodInfo(address(0));
        b.mrAggregated = keccak256("other-mr");
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_MR);

        b = goodInfo(address(0));
        b.deviceId = keccak256("other-device");
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_KMS_DEVICE);

        // order among failing checks: OS before MR before device
        b.mrAggregated = keccak256("other-mr");
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_MR);
        b.osImageHash = keccak256("other-os");
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_OS);
        b.tcbStatus = "UpToDate\n";
        (ok, reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, false, R_TCB);
    }

    function test_isKmsAllowed_ignoresAppFields() public {
        allowKmsDefaults();
        IAppAuth.AppBootInfo memory b = goodInfo(address(0xDEAD)); // an unregistered app id
        b.composeHash = bytes32(0);
        b.instanceId = address(0);
        b.mrSystem = keccak256("anything");
        b.advisoryIds = new string[](0);
        (bool ok, string memory reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, true, "");
    }

    function test_isKmsAllowed_tcbStatusMustBeExact() public {
        allowKmsDefaults();
        string[6] memory bad = ["", "uptodate", "UpToDate ", "UpToDat", "OutOfDate", "ConfigurationNeeded"];
        IAppAuth.AppBootInfo memory b = goodInfo(address(0));
        for (uint256 i = 0; i < bad.length; i++) {
            b.tcbStatus = bad[i];
            (bool ok, string memory reason) = kms.isKmsAllowed(b);
            assertDecision(ok, reason, false, R_TCB);
        }
    }

    // ------------------------------------------------------------------ isAppAllowed

    /// Registers `appId` (as anyone may) and returns a boot info for it that passes the KMS's checks.
    function registered(address appId) internal returns (IAppAuth.AppBootInfo memory) {
        kms.registerApp(appId);
        return goodInfo(appId);
    }

    function deployDefaultApp() internal returns (address appId) {
        appId = kms.deployAndRegisterApp(owner, false, false, false, DEV, CH);
    }

    function test_isAppAllowed_notRegistered() public {
        allowKmsDefaults();
        DstackApp a = deployApp(owner, false, false, true, DEV, CH); // deployed, allows, not registered
        (bool ok, string memory reason) = kms.isAppAllowed(goodInfo(address(a)));
        assertDecision(ok, reason, false, R_NOT_REGISTERED);
        IAppAuth.AppBootInfo memory b = goodInfo(address(a));
        b.osImageHash = keccak256("bad-os"); // registration is checked before the OS image
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, R_NOT_REGISTERED);
        (ok, reason) = kms.isAppAllowed(goodInfo(address(0)));
        assertDecision(ok, reason, false, R_NOT_REGISTERED);
    }

    function test_isAppAllowed_osImageNotAllowed() public {
        address appId = deployDefaultApp();
        (bool ok, string memory reason) = kms.isAppAllowed(goodInfo(appId));
        assertDecision(ok, reason, false, R_OS);
        allowKmsDefaults();
        IAppAuth.AppBootInfo memory b = goodInfo(appId);
        b.osImageHash = keccak256("bad-os");
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, R_OS);
    }

    function test_isAppAllowed_noCodeAtApp() public {
        allowKmsDefaults();
        address eoa = address(0xE0A);
        kms.registerApp(eoa);
        (bool ok, string memory reason) = kms.isAppAllowed(goodInfo(eoa));
        assertDecision(ok, reason, false, R_NO_CODE);
        IAppAuth.AppBootInfo memory b = goodInfo(eoa);
        b.osImageHash = keccak256("bad-os"); // the OS image is checked before the code
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, R_OS);
        // a precompile address has no code either
        kms.registerApp(address(1));
        (ok, reason) = kms.isAppAllowed(goodInfo(address(1)));
        assertDecision(ok, reason, false, R_NO_CODE);
    }

    function test_isAppAllowed_delegatesToDstackAppUnchanged() public {
        allowKmsDefaults();
        address appId = deployDefaultApp();
        DstackApp a = DstackApp(appId);
        IAppAuth.AppBootInfo memory b = goodInfo(appId);
        (bool ok, string memory reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, true, "");

        b.composeHash = keccak256("other");
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, R_COMPOSE);

        b = goodInfo(appId);
        b.deviceId = keccak256("other-device"); // the KMS does not check app devices itself
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, R_DEVICE);

        b = goodInfo(appId);
        b.tcbStatus = "OutOfDate"; // nor the TCB: only the app may
        b.mrAggregated = keccak256("not-a-kms-mr");
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, true, "");
        vm.prank(owner);
        a.setRequireTcbUpToDate(true);
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, R_TCB);
    }

    function test_isAppAllowed_appThatAllowsEverything() public {
        allowKmsDefaults();
        AllowAllApp a = new AllowAllApp();
        IAppAuth.AppBootInfo memory b = registered(address(a));
        b.tcbStatus = "";
        b.composeHash = bytes32(0);
        b.deviceId = bytes32(0);
        (bool ok, string memory reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, true, "");
        b.osImageHash = bytes32(0); // but the KMS's OS check still applies
        (ok, reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, R_OS);
    }

    function test_isAppAllowed_appReasonPassedThrough() public {
        allowKmsDefaults();
        DenyWithReasonApp a = new DenyWithReasonApp();
        IAppAuth.AppBootInfo memory b = registered(address(a));
        b.tcbStatus = "SWHardeningNeeded";
        (bool ok, string memory reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, "custom deny: SWHardeningNeeded");
    }

    function test_isAppAllowed_revertingAppPropagatesRevert() public {
        allowKmsDefaults();
        RevertingApp a = new RevertingApp();
        IAppAuth.AppBootInfo memory b = registered(address(a));

        vm.expectRevert(revertString("app policy exploded"));
        kms.isAppAllowed(b);

        a.setMode(1);
        vm.expectRevert(abi.encodeWithSelector(RevertingApp.AppPolicyBroken.selector, 42));
        kms.isAppAllowed(b);

        a.setMode(2);
        vm.expectRevert(bytes(""));
        kms.isAppAllowed(b);
    }

    /// Calls kms.isAppAllowed for a RawReturnApp answering `answer`; returns the outcome.
    function callWithRawAnswer(bytes memory answer) internal returns (bool success, bytes memory ret) {
        RawReturnApp a = new RawReturnApp();
        a.setAnswer(answer);
        (success, ret) = address(kms).call(abi.encodeCall(DstackKms.isAppAllowed, (registered(address(a)))));
    }

    function test_isAppAllowed_shortOrMalformedAnswerReverts() public {
        allowKmsDefaults();
        bytes[6] memory bad = [
            bytes(""), // returns nothing
            abi.encode(true), // a bare bool, no reason: 32 bytes
            abi.encodePacked(uint256(1), uint256(0x40)), // head only, no string length
            abi.encode(uint256(2), "x"), // not a bool
            abi.encodePacked(uint256(1), uint256(0x1000), uint256(0)), // offset past the end
            // forge-lint: disable-next-line(unsafe-typecast) -- a 5-byte literal fits
            abi.encodePacked(uint256(1), uint256(0x40), uint256(100), bytes32("short")) // length past the end
        ];
        for (uint256 i = 0; i < bad.length; i++) {
            (bool success, bytes memory ret) = callWithRawAnswer(bad[i]);
            assertFalse(success, "malformed answer must revert");
            assertEq(ret.length, 0, "ABI decoding failure reverts without data");
        }
    }

    function test_isAppAllowed_wellFormedRawAnswers() public {
        allowKmsDefaults();
        // a valid encoding with trailing bytes is accepted as is
        (bool success, bytes memory ret) = callWithRawAnswer(abi.encodePacked(abi.encode(false, "nope"), bytes32(0)));
        assertTrue(success);
        (bool ok, string memory reason) = abi.decode(ret, (bool, string));
        assertDecision(ok, reason, false, "nope");
        (success, ret) = callWithRawAnswer(abi.encode(true, "allowed but chatty"));
        assertTrue(success);
        (ok, reason) = abi.decode(ret, (bool, string));
        assertDecision(ok, reason, true, "allowed but chatty");
    }

    function test_isAppAllowed_appWithoutTheFunctionReverts() public {
        allowKmsDefaults();
        NoAuthApp a = new NoAuthApp();
        kms.registerApp(address(a));
        vm.expectRevert(bytes(""));
        kms.isAppAllowed(goodInfo(address(a)));
    }

    // ------------------------------------------------------------------ interfaces and ABI

    function test_supportsInterface() public view {
        assertTrue(kms.supportsInterface(IAPPAUTH_ID), "IAppAuth");
        assertTrue(kms.supportsInterface(IERC165_ID), "IERC165");
        assertFalse(kms.supportsInterface(IAPPAUTH_BASIC_MANAGEMENT_ID), "not app management");
        assertFalse(kms.supportsInterface(0xffffffff), "0xffffffff");
        assertFalse(kms.supportsInterface(0x00000000), "zero");
        // IAppAuth extends IERC165 (as deployed): the KMS answers through either type
        IAppAuth auth = kms;
        IERC165 viaAuth = auth;
        assertTrue(viaAuth.supportsInterface(IAPPAUTH_ID), "IAppAuth via IERC165");
        assertTrue(auth.supportsInterface(IERC165_ID), "IERC165 via IAppAuth");
        assertEq(type(IAppAuth).interfaceId, IAPPAUTH_ID);
    }

    function test_selectorsMatchReferenceSignatures() public view {
        string memory T = "(address,bytes32,address,bytes32,bytes32,bytes32,bytes32,string,string[])";
        assertEq(DstackKms.isKmsAllowed.selector, bytes4(keccak256(bytes(string.concat("isKmsAllowed(", T, ")")))));
        assertEq(DstackKms.isAppAllowed.selector, IAPPAUTH_ID);
        assertEq(DstackKms.setKmsInfo.selector, bytes4(keccak256("setKmsInfo((bytes,bytes,bytes,bytes))")));
        assertEq(DstackKms.setKmsQuote.selector, bytes4(keccak256("setKmsQuote(bytes)")));
        assertEq(DstackKms.setKmsEventlog.selector, bytes4(keccak256("setKmsEventlog(bytes)")));
        assertEq(DstackKms.setGatewayAppId.selector, bytes4(keccak256("setGatewayAppId(string)")));
        assertEq(DstackKms.registerApp.selector, bytes4(keccak256("registerApp(address)")));
        assertEq(DstackKms.setAppImplementation.selector, bytes4(keccak256("setAppImplementation(address)")));
        assertEq(DstackKms.addKmsAggregatedMr.selector, bytes4(keccak256("addKmsAggregatedMr(bytes32)")));
        assertEq(DstackKms.removeKmsAggregatedMr.selector, bytes4(keccak256("removeKmsAggregatedMr(bytes32)")));
        assertEq(DstackKms.addKmsDevice.selector, bytes4(keccak256("addKmsDevice(bytes32)")));
        assertEq(DstackKms.removeKmsDevice.selector, bytes4(keccak256("removeKmsDevice(bytes32)")));
        assertEq(DstackKms.addOsImageHash.selector, bytes4(keccak256("addOsImageHash(bytes32)")));
        assertEq(DstackKms.removeOsImageHash.selector, bytes4(keccak256("removeOsImageHash(bytes32)")));
        assertEq(DstackKms.initialize.selector, bytes4(keccak256("initialize(address,address)")));
        assertEq(kms.kmsInfo.selector, bytes4(keccak256("kmsInfo()")));
        assertEq(kms.gatewayAppId.selector, bytes4(keccak256("gatewayAppId()")));
        assertEq(kms.registeredApps.selector, bytes4(keccak256("registeredApps(address)")));
        assertEq(kms.kmsAllowedAggregatedMrs.selector, bytes4(keccak256("kmsAllowedAggregatedMrs(bytes32)")));
        assertEq(kms.kmsAllowedDeviceIds.selector, bytes4(keccak256("kmsAllowedDeviceIds(bytes32)")));
        assertEq(kms.allowedOsImages.selector, bytes4(keccak256("allowedOsImages(bytes32)")));
        assertEq(kms.appImplementation.selector, bytes4(keccak256("appImplementation()")));
    }

    function test_eventTopicsMatchReferenceSignatures() public pure {
        assertEq(DstackKms.KmsInfoSet.selector, keccak256("KmsInfoSet(bytes)"));
        assertEq(DstackKms.GatewayAppIdSet.selector, keccak256("GatewayAppIdSet(string)"));
        assertEq(DstackKms.AppRegistered.selector, keccak256("AppRegistered(address)"));
        assertEq(DstackKms.AppImplementationSet.selector, keccak256("AppImplementationSet(address)"));
        assertEq(DstackKms.AppDeployedViaFactory.selector, keccak256("AppDeployedViaFactory(address,address)"));
        assertEq(DstackKms.KmsAggregatedMrAdded.selector, keccak256("KmsAggregatedMrAdded(bytes32)"));
        assertEq(DstackKms.KmsAggregatedMrRemoved.selector, keccak256("KmsAggregatedMrRemoved(bytes32)"));
        assertEq(DstackKms.KmsDeviceAdded.selector, keccak256("KmsDeviceAdded(bytes32)"));
        assertEq(DstackKms.KmsDeviceRemoved.selector, keccak256("KmsDeviceRemoved(bytes32)"));
        assertEq(DstackKms.OsImageHashAdded.selector, keccak256("OsImageHashAdded(bytes32)"));
        assertEq(DstackKms.OsImageHashRemoved.selector, keccak256("OsImageHashRemoved(bytes32)"));
        assertEq(PolicyAudit.PolicyChanged.selector, keccak256("PolicyChanged(address,bytes32,bytes32,bool)"));
    }

    // ------------------------------------------------------------------ access control
    // The owner-only, Ownable2Step and upgrade checks shared with DstackApp: OwnedUpgradeableTest.

    function target() internal view override returns (address) {
        return address(kms);
    }

    function ownerOnlyCalls() internal override returns (bytes[] memory c) {
        c = new bytes[](12);
        c[0] = abi.encodeCall(DstackKms.setKmsInfo, (kmsInfoValue()));
        c[1] = abi.encodeCall(DstackKms.setKmsQuote, (QUOTE));
        c[2] = abi.encodeCall(DstackKms.setKmsEventlog, (EVENTLOG));
        c[3] = abi.encodeCall(DstackKms.setGatewayAppId, ("gw"));
        c[4] = abi.encodeCall(DstackKms.setAppImplementation, (address(0x1234)));
        c[5] = abi.encodeCall(DstackKms.addKmsAggregatedMr, (MR));
        c[6] = abi.encodeCall(DstackKms.removeKmsAggregatedMr, (MR));
        c[7] = abi.encodeCall(DstackKms.addKmsDevice, (DEV));
        c[8] = abi.encodeCall(DstackKms.removeKmsDevice, (DEV));
        c[9] = abi.encodeCall(DstackKms.addOsImageHash, (OS));
        c[10] = abi.encodeCall(DstackKms.removeOsImageHash, (OS));
        c[11] = abi.encodeCall(kms.upgradeToAndCall, (address(new DstackKmsV2()), bytes("")));
    }

    function policyCall(bytes32 tag) internal pure override returns (bytes memory) {
        return abi.encodeCall(DstackKms.addOsImageHash, (tag));
    }

    function policyApplied(bytes32 tag) internal view override returns (bool) {
        return kms.allowedOsImages(tag);
    }

    function assertPolicyUnchanged() internal view override {
        assertEq(kms.appImplementation(), address(appImpl), "unchanged");
        assertEq(kms.gatewayAppId(), "", "gateway unchanged");
        assertKmsInfo(kms, "", "", "", "");
        assertFalse(kms.kmsAllowedAggregatedMrs(MR) || kms.kmsAllowedDeviceIds(DEV) || kms.allowedOsImages(OS));
    }

    function newImplementation() internal override returns (address) {
        return address(new DstackKmsV2());
    }

    function notUupsContract() internal override returns (address) {
        return address(new AllowAllApp());
    }

    function test_renounceOwnership_registrationStaysOpen() public {
        vm.prank(owner);
        kms.renounceOwnership();
        kms.registerApp(address(0x77));
        assertTrue(kms.registeredApps(address(0x77)));
    }

    // ------------------------------------------------------------------ upgrades

    function test_upgrade_byOwnerKeepsEveryValue() public {
        allowKmsDefaults();
        vm.startPrank(owner);
        kms.setKmsInfo(kmsInfoValue());
        kms.setGatewayAppId("gateway-app");
        kms.addOsImageHash(keccak256("os-2"));
        kms.removeOsImageHash(keccak256("os-2"));
        vm.stopPrank();
        address appId = deployDefaultApp();
        kms.registerApp(address(0x5555));
        vm.prank(owner);
        kms.transferOwnership(newOwner);

        DstackKmsV2 v2 = new DstackKmsV2();
        upgradeAsOwner(address(v2)); // events, implementation, owner and pending owner kept
        assertEq(owned().pendingOwner(), newOwner);
        assertEq(DstackKmsV2(address(kms)).kmsVersion(), 2);
        assertKmsInfo(kms, K256, CA, QUOTE, EVENTLOG);
        assertEq(kms.gatewayAppId(), "gateway-app");
        assertTrue(kms.registeredApps(appId));
        assertTrue(kms.registeredApps(address(0x5555)));
        assertTrue(kms.allowedOsImages(OS));
        assertFalse(kms.allowedOsImages(keccak256("os-2")));
        assertTrue(kms.kmsAllowedAggregatedMrs(MR));
        assertTrue(kms.kmsAllowedDeviceIds(DEV));
        assertEq(kms.appImplementation(), address(appImpl));
        (bool ok, string memory reason) = kms.isKmsAllowed(goodInfo(address(0)));
        assertDecision(ok, reason, true, "");
        (ok, reason) = kms.isAppAllowed(goodInfo(appId));
        assertDecision(ok, reason, true, "");
        // the factory still works after the upgrade
        address app2 = kms.deployAndRegisterApp(owner, false, false, true, bytes32(0), CH);
        assertTrue(kms.registeredApps(app2));
    }

    function test_upgrade_anyUupsContractPassesTheChainChecks() public {
        // The proxy checks only proxiableUUID, which every UUPS contract shares: pointing the KMS
        // at a DstackApp implementation goes through, and the KMS functions are then gone.
        // Off-chain tooling must check the target before proposing an upgrade.
        vm.prank(owner);
        kms.upgradeToAndCall(address(appImpl), "");
        assertEq(implementationOf(address(kms)), address(appImpl));
        vm.expectRevert(bytes(""));
        kms.isKmsAllowed(goodInfo(address(0)));
    }
}
