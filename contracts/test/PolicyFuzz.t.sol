// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixtures} from "./utils/Fixtures.sol";
import {DstackKms} from "../src/DstackKms.sol";
import {DstackApp} from "../src/DstackApp.sol";
import {IAppAuth} from "../src/IAppAuth.sol";
import {EchoApp} from "./mocks/MockApps.sol";

/// @notice Fuzz tests over random boot infos: each decision equals the one a plain model of the
///         documented rules gives, for random measurements and random allowlist membership.
contract PolicyFuzzTest is Fixtures {
    DstackKms internal kms;
    DstackApp internal app;

    function setUp() public {
        kms = deployKms(owner, address(new DstackApp()));
        vm.prank(stranger);
        app = DstackApp(kms.deployAndRegisterApp(owner, false, false, false, bytes32(0), bytes32(0)));
    }

    function isUpToDate(string memory s) internal pure returns (bool) {
        return keccak256(bytes(s)) == keccak256("UpToDate");
    }

    /// Model of DstackKms.isKmsAllowed.
    function kmsModel(bool tcb, bool os, bool mr, bool dev) internal pure returns (bool, string memory) {
        if (!tcb) return (false, R_TCB);
        if (!os) return (false, R_OS);
        if (!mr) return (false, R_MR);
        if (!dev) return (false, R_KMS_DEVICE);
        return (true, "");
    }

    /// Model of DstackApp.isAppAllowed.
    function appModel(bool requireTcb, bool tcb, bool compose, bool anyDevice, bool dev)
        internal
        pure
        returns (bool, string memory)
    {
        if (requireTcb && !tcb) return (false, R_TCB);
        if (!compose) return (false, R_COMPOSE);
        if (!anyDevice && !dev) return (false, R_DEVICE);
        return (true, "");
    }

    function testFuzz_isKmsAllowed(
        IAppAuth.AppBootInfo memory b,
        bool forceTcb,
        bool allowOs,
        bool allowMr,
        bool allowDev
    ) public {
        if (forceTcb) b.tcbStatus = "UpToDate";
        vm.startPrank(owner);
        if (allowOs) kms.addOsImageHash(b.osImageHash);
        if (allowMr) kms.addKmsAggregatedMr(b.mrAggregated);
        if (allowDev) kms.addKmsDevice(b.deviceId);
        vm.stopPrank();
        // the same value may be shared between fields: membership is what the contract sees
        bool os = kms.allowedOsImages(b.osImageHash);
        bool mr = kms.kmsAllowedAggregatedMrs(b.mrAggregated);
        bool dev = kms.kmsAllowedDeviceIds(b.deviceId);
        assertTrue(os == allowOs && mr == allowMr && dev == allowDev, "separate allowlists");
        (bool wantOk, string memory wantReason) = kmsModel(isUpToDate(b.tcbStatus), os, mr, dev);
        (bool ok, string memory reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, wantOk, wantReason);
    }

    function testFuzz_dstackAppIsAppAllowed(
        IAppAuth.AppBootInfo memory b,
        bool forceTcb,
        bool requireTcb,
        bool allowCompose,
        bool anyDevice,
        bool allowDev
    ) public {
        if (forceTcb) b.tcbStatus = "UpToDate";
        vm.startPrank(owner);
        app.setRequireTcbUpToDate(requireTcb);
        app.setAllowAnyDevice(anyDevice);
        if (allowCompose) app.addComposeHash(b.composeHash);
        if (allowDev) app.addDevice(b.deviceId);
        vm.stopPrank();
        (bool wantOk, string memory wantReason) =
            appModel(requireTcb, isUpToDate(b.tcbStatus), allowCompose, anyDevice, allowDev);
        (bool ok, string memory reason) = app.isAppAllowed(b);
        assertDecision(ok, reason, wantOk, wantReason);
    }

    function testFuzz_kmsIsAppAllowedThroughFactoryApp(
        IAppAuth.AppBootInfo memory b,
        uint8 flags
    ) public {
        bool useApp = flags & 1 != 0; // else a random (usually unregistered, code-less) app id
        bool allowOs = flags & 2 != 0;
        bool requireTcb = flags & 4 != 0;
        bool allowCompose = flags & 8 != 0;
        bool anyDevice = flags & 16 != 0;
        bool allowDev = flags & 32 != 0;
        if (flags & 64 != 0) b.tcbStatus = "UpToDate";
        vm.assume(b.appId != address(app) && b.appId != address(kms) && uint160(b.appId) > 0xffff);
        if (useApp) b.appId = address(app);
        vm.startPrank(owner);
        if (allowOs) kms.addOsImageHash(b.osImageHash);
        app.setRequireTcbUpToDate(requireTcb);
        app.setAllowAnyDevice(anyDevice);
        if (allowCompose) app.addComposeHash(b.composeHash);
        if (allowDev) app.addDevice(b.deviceId);
        vm.stopPrank();

        bool wantOk;
        string memory wantReason;
        if (!useApp) (wantOk, wantReason) = (false, R_NOT_REGISTERED);
        else if (!allowOs) (wantOk, wantReason) = (false, R_OS);
        else (wantOk, wantReason) = appModel(requireTcb, isUpToDate(b.tcbStatus), allowCompose, anyDevice, allowDev);
        (bool ok, string memory reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, wantOk, wantReason);

        // the KMS's own decision never depends on the app's policy
        (bool kOk,) = kms.isKmsAllowed(b);
        assertFalse(kOk && !allowOs, "KMS allowed an OS image it does not list");
    }

    function testFuzz_registeredCodelessApp(IAppAuth.AppBootInfo memory b, bool allowOs) public {
        vm.assume(b.appId != address(0) && b.appId.code.length == 0);
        kms.registerApp(b.appId);
        if (allowOs) {
            vm.prank(owner);
            kms.addOsImageHash(b.osImageHash);
        }
        (bool ok, string memory reason) = kms.isAppAllowed(b);
        assertDecision(ok, reason, false, allowOs ? R_NO_CODE : R_OS);
    }

    /// The boot info reaches the app's policy exactly as the KMS received it.
    function testFuzz_bootInfoForwardedUnchanged(IAppAuth.AppBootInfo memory b) public {
        EchoApp echo = new EchoApp();
        kms.registerApp(address(echo));
        b.appId = address(echo);
        vm.prank(owner);
        kms.addOsImageHash(b.osImageHash);
        (bool ok, string memory reason) = kms.isAppAllowed(b);
        assertTrue(ok);
        assertEq(bytes(reason), abi.encodePacked(keccak256(abi.encode(b))), "forwarded boot info differs");
    }

    /// Only exactly "UpToDate" passes the KMS's TCB check.
    function testFuzz_tcbStatusExact(bytes memory status) public {
        vm.startPrank(owner);
        kms.addOsImageHash(OS);
        kms.addKmsAggregatedMr(MR);
        kms.addKmsDevice(DEV);
        vm.stopPrank();
        IAppAuth.AppBootInfo memory b = goodInfo(address(0));
        b.tcbStatus = string(status);
        bool exact = keccak256(status) == keccak256("UpToDate");
        (bool ok, string memory reason) = kms.isKmsAllowed(b);
        assertDecision(ok, reason, exact, exact ? "" : R_TCB);
    }

    /// Every policy change emits PolicyChanged with the actor, the policy name and the value.
    /// Every allowlist logs PolicyChanged for an add and then for the removal of a random value.
    function testFuzz_policyChangedEvents(bytes32 v) public {
        function(bytes32) external[5] memory adds =
            [kms.addOsImageHash, kms.addKmsAggregatedMr, kms.addKmsDevice, app.addComposeHash, app.addDevice];
        function(bytes32) external[5] memory removes = [
            kms.removeOsImageHash, kms.removeKmsAggregatedMr, kms.removeKmsDevice, app.removeComposeHash, app.removeDevice
        ];
        bytes32[5] memory policies = [P_OS_IMAGE, P_KMS_AGGREGATED_MR, P_KMS_DEVICE, P_COMPOSE_HASH, P_DEVICE];
        vm.startPrank(owner);
        for (uint256 i = 0; i < policies.length; i++) {
            expectPolicyChanged(adds[i].address, owner, policies[i], v, true);
            adds[i](v);
            expectPolicyChanged(removes[i].address, owner, policies[i], v, false);
            removes[i](v);
        }
        vm.stopPrank();
    }

    function testFuzz_gatewayAppIdAndKmsInfo(string memory gw, bytes memory k, bytes memory q) public {
        vm.startPrank(owner);
        expectPolicyChanged(address(kms), owner, P_GATEWAY_APP_ID, keccak256(bytes(gw)), true);
        kms.setGatewayAppId(gw);
        expectPolicyChanged(address(kms), owner, P_KMS_INFO, keccak256(k), true);
        kms.setKmsInfo(DstackKms.KmsInfo(k, q, q, k));
        vm.stopPrank();
        assertEq(kms.gatewayAppId(), gw);
        assertKmsInfo(kms, k, q, q, k);
    }
}
