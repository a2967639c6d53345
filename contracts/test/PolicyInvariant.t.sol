// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixtures} from "./utils/Fixtures.sol";
import {TestBase} from "./utils/TestBase.sol";
import {DstackKms} from "../src/DstackKms.sol";
import {DstackApp} from "../src/DstackApp.sol";
import {IAppAuth} from "../src/IAppAuth.sol";

/// @notice Applies random policy changes to a DstackKms and one of its DstackApps and keeps a
///         plain model of what the policy should be. Values come from a small pool so that
///         adds and removes of the same value collide often. Non-owners try too and must fail.
contract PolicyHandler is TestBase {
    DstackKms public immutable kms;
    DstackApp public immutable app;
    address public immutable owner;

    uint256 public constant POOL = 3; // pool values 0..2 are changed; index 3 never is
    bytes32[4] internal pool;

    // the model
    mapping(bytes32 => bool) public mOs;
    mapping(bytes32 => bool) public mMr;
    mapping(bytes32 => bool) public mKmsDev;
    mapping(bytes32 => bool) public mCompose;
    mapping(bytes32 => bool) public mDev;
    mapping(address => bool) public mRegistered;
    bool public mAnyDevice;
    bool public mRequireTcb;
    string public mGateway;
    bool public strangerSucceeded;
    uint256 public calls;

    address[3] internal apps;

    constructor(DstackKms k, DstackApp a, address o) {
        kms = k;
        app = a;
        owner = o;
        for (uint256 i = 0; i < pool.length; i++) pool[i] = keccak256(abi.encode("pool", i));
        apps[0] = address(a); // registered by the factory
        apps[1] = address(0xC0DE); // registered later, maybe; no code
        apps[2] = address(0xFEED); // never registered
        mRegistered[address(a)] = true;
    }

    function value(uint256 i) public view returns (bytes32) {
        return pool[i];
    }

    function appAt(uint256 i) public view returns (address) {
        return apps[i];
    }

    function _v(uint256 seed) internal view returns (bytes32) {
        return pool[seed % POOL];
    }

    /// The owner adds or removes a pool value on one allowlist; the model follows.
    function _toggle(
        function(bytes32) external add,
        function(bytes32) external remove,
        mapping(bytes32 => bool) storage model,
        uint256 seed,
        bool on
    ) internal {
        calls++;
        vm.prank(owner);
        if (on) add(_v(seed));
        else remove(_v(seed));
        model[_v(seed)] = on;
    }

    function setOs(uint256 seed, bool on) external {
        _toggle(kms.addOsImageHash, kms.removeOsImageHash, mOs, seed, on);
    }

    function setMr(uint256 seed, bool on) external {
        _toggle(kms.addKmsAggregatedMr, kms.removeKmsAggregatedMr, mMr, seed, on);
    }

    function setKmsDevice(uint256 seed, bool on) external {
        _toggle(kms.addKmsDevice, kms.removeKmsDevice, mKmsDev, seed, on);
    }

    function setCompose(uint256 seed, bool on) external {
        _toggle(app.addComposeHash, app.removeComposeHash, mCompose, seed, on);
    }

    function setDevice(uint256 seed, bool on) external {
        _toggle(app.addDevice, app.removeDevice, mDev, seed, on);
    }

    function setAnyDevice(bool on) external {
        calls++;
        vm.prank(owner);
        app.setAllowAnyDevice(on);
        mAnyDevice = on;
    }

    function setRequireTcb(bool on) external {
        calls++;
        vm.prank(owner);
        app.setRequireTcbUpToDate(on);
        mRequireTcb = on;
    }

    function registerSecondApp() external {
        calls++;
        kms.registerApp(apps[1]); // anyone may
        mRegistered[apps[1]] = true;
    }

    function setGateway(uint256 seed) external {
        calls++;
        // forge-lint: disable-next-line(unsafe-typecast) -- 65 + seed % 26 < 256
        string memory g = seed % 3 == 0 ? "" : string(abi.encodePacked("gw-", bytes1(uint8(65 + seed % 26))));
        vm.prank(owner);
        kms.setGatewayAppId(g);
        mGateway = g;
    }

    /// A non-owner tries one owner-only function; it must revert and change nothing.
    function strangerTries(address who, uint256 which, uint256 seed) external {
        calls++;
        if (who == owner) return;
        bytes32 v = _v(seed);
        bytes memory data;
        address target = address(kms);
        uint256 w = which % 8;
        if (w == 0) data = abi.encodeCall(DstackKms.addOsImageHash, (v));
        else if (w == 1) data = abi.encodeCall(DstackKms.removeKmsAggregatedMr, (v));
        else if (w == 2) data = abi.encodeCall(DstackKms.addKmsDevice, (v));
        else if (w == 3) data = abi.encodeCall(DstackKms.setGatewayAppId, ("evil"));
        else {
            target = address(app);
            if (w == 4) data = abi.encodeCall(DstackApp.addComposeHash, (v));
            else if (w == 5) data = abi.encodeCall(DstackApp.removeDevice, (v));
            else if (w == 6) data = abi.encodeCall(DstackApp.setAllowAnyDevice, (!mAnyDevice));
            else data = abi.encodeCall(DstackApp.setRequireTcbUpToDate, (!mRequireTcb));
        }
        vm.prank(who);
        (bool ok, bytes memory ret) = target.call(data);
        if (ok || keccak256(ret) != keccak256(abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", who))) {
            strangerSucceeded = true;
        }
    }
}

/// @notice Stateful test: after any random sequence of handler calls, every getter and every
///         decision of both contracts equals the model's.
contract PolicyInvariantTest is Fixtures {
    DstackKms internal kms;
    DstackApp internal app;
    PolicyHandler internal handler;

    function setUp() public {
        kms = deployKms(owner, address(new DstackApp()));
        app = DstackApp(kms.deployAndRegisterApp(owner, false, false, false, bytes32(0), bytes32(0)));
        handler = new PolicyHandler(kms, app, owner);
        targetContract(address(handler));
    }

    function invariant_gettersMatchModel() public view {
        for (uint256 i = 0; i <= handler.POOL(); i++) {
            bytes32 v = handler.value(i);
            assertEq(kms.allowedOsImages(v), handler.mOs(v), "allowedOsImages");
            assertEq(kms.kmsAllowedAggregatedMrs(v), handler.mMr(v), "kmsAllowedAggregatedMrs");
            assertEq(kms.kmsAllowedDeviceIds(v), handler.mKmsDev(v), "kmsAllowedDeviceIds");
            assertEq(app.allowedComposeHashes(v), handler.mCompose(v), "allowedComposeHashes");
            assertEq(app.allowedDeviceIds(v), handler.mDev(v), "allowedDeviceIds");
        }
        for (uint256 i = 0; i < 3; i++) {
            address a = handler.appAt(i);
            assertEq(kms.registeredApps(a), handler.mRegistered(a), "registeredApps");
        }
        assertEq(app.allowAnyDevice(), handler.mAnyDevice(), "allowAnyDevice");
        assertEq(app.requireTcbUpToDate(), handler.mRequireTcb(), "requireTcbUpToDate");
        assertEq(kms.gatewayAppId(), handler.mGateway(), "gatewayAppId");
        assertEq(kms.owner(), owner, "kms owner");
        assertEq(app.owner(), owner, "app owner");
        assertFalse(handler.strangerSucceeded(), "a non-owner changed the policy");
    }

    function invariant_isKmsAllowedMatchesModel() public view {
        IAppAuth.AppBootInfo memory b = goodInfo(address(0));
        uint256 n = handler.POOL() + 1;
        for (uint256 o = 0; o < n; o++) {
            for (uint256 m = 0; m < n; m++) {
                for (uint256 d = 0; d < n; d++) {
                    b.osImageHash = handler.value(o);
                    b.mrAggregated = handler.value(m);
                    b.deviceId = handler.value(d);
                    b.tcbStatus = (o + m + d) % 5 == 0 ? "OutOfDate" : "UpToDate";
                    (bool wantOk, string memory wantReason) = kmsModel(b);
                    (bool ok, string memory reason) = kms.isKmsAllowed(b);
                    assertDecision(ok, reason, wantOk, wantReason);
                }
            }
        }
    }

    function invariant_isAppAllowedMatchesModel() public view {
        uint256 n = handler.POOL() + 1;
        for (uint256 ai = 0; ai < 3; ai++) {
            IAppAuth.AppBootInfo memory b = goodInfo(handler.appAt(ai));
            for (uint256 o = 0; o < n; o += 2) { // OS values 0 and 2 (the KMS test covers all)
                for (uint256 c = 0; c < n; c++) {
                    for (uint256 d = 0; d < n; d++) {
                        b.osImageHash = handler.value(o);
                        b.composeHash = handler.value(c);
                        b.deviceId = handler.value(d);
                        b.tcbStatus = (c + d) % 3 == 0 ? "" : "UpToDate";
                        (bool wantOk, string memory wantReason) = kmsAppModel(b);
                        (bool ok, string memory reason) = kms.isAppAllowed(b);
                        assertDecision(ok, reason, wantOk, wantReason);
                        if (ai == 0) {
                            (wantOk, wantReason) = appModel(b);
                            (ok, reason) = app.isAppAllowed(b);
                            assertDecision(ok, reason, wantOk, wantReason);
                        }
                    }
                }
            }
        }
    }

    // ---- the model's decisions

    function upToDate(string memory s) internal pure returns (bool) {
        return keccak256(bytes(s)) == keccak256("UpToDate");
    }

    function kmsModel(IAppAuth.AppBootInfo memory b) internal view returns (bool, string memory) {
        if (!upToDate(b.tcbStatus)) return (false, R_TCB);
        if (!handler.mOs(b.osImageHash)) return (false, R_OS);
        if (!handler.mMr(b.mrAggregated)) return (false, R_MR);
        if (!handler.mKmsDev(b.deviceId)) return (false, R_KMS_DEVICE);
        return (true, "");
    }

    function appModel(IAppAuth.AppBootInfo memory b) internal view returns (bool, string memory) {
        if (handler.mRequireTcb() && !upToDate(b.tcbStatus)) return (false, R_TCB);
        if (!handler.mCompose(b.composeHash)) return (false, R_COMPOSE);
        if (!handler.mAnyDevice() && !handler.mDev(b.deviceId)) return (false, R_DEVICE);
        return (true, "");
    }

    function kmsAppModel(IAppAuth.AppBootInfo memory b) internal view returns (bool, string memory) {
        if (!handler.mRegistered(b.appId)) return (false, R_NOT_REGISTERED);
        if (!handler.mOs(b.osImageHash)) return (false, R_OS);
        if (b.appId.code.length == 0) return (false, R_NO_CODE);
        return appModel(b);
    }
}
